import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRng } from '../../src/util/random';

interface IndexClass {
  split: string;
  offset: number;
  count: number;
}

/** `n` ways×shots support sets from the committed glyphs' test split (inputs in [0,1], ink = 1), seeded. */
export function glyphEpisodes(n: number, ways: number, shots: number, seed: number): { inputs: number[][]; labels: string[] }[] {
  const index = JSON.parse(readFileSync('data/glyphs/index.json', 'utf8')) as { size: number; classes: IndexClass[] };
  const pixels = gunzipSync(readFileSync('data/glyphs/pixels.u8.gz'));
  const side = index.size * index.size;
  const test = index.classes.filter((c) => c.split === 'test');
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const picked = new Set<number>();
    while (picked.size < ways) picked.add(rng.int(test.length));
    const inputs: number[][] = [];
    const labels: string[] = [];
    [...picked].forEach((ci, way) => {
      const c = test[ci]!;
      for (let s = 0; s < shots; s++) {
        const at = (c.offset + rng.int(c.count)) * side;
        inputs.push(Array.from(pixels.subarray(at, at + side), (v) => v / 255));
        labels.push(`class-${way}`);
      }
    });
    return { inputs, labels };
  });
}
