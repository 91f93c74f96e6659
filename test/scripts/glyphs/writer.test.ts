import { describe, expect, it } from 'vitest';
import type { PathCommand } from 'fontkit';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { planVariations } from '../../../scripts/glyphs/augment';
import type { BuiltClass } from '../../../scripts/glyphs/build';
import type { Face } from '../../../scripts/glyphs/faces';
import { flattenPath, rasterizeOutline } from '../../../scripts/glyphs/rasterize';
import { assemble, serialize } from '../../../scripts/glyphs/writer';
import { loadGlyphs } from '../../../src/data/glyphs';

// Fixture outlines standing in for two fonts' drawings of two characters: no fonts needed.
const ring = (t: number): PathCommand[] => [
  { command: 'moveTo', args: [0, 0] }, { command: 'lineTo', args: [100, 0] }, { command: 'lineTo', args: [100, 100] }, { command: 'lineTo', args: [0, 100] }, { command: 'closePath', args: [] },
  { command: 'moveTo', args: [t, t] }, { command: 'lineTo', args: [t, 100 - t] }, { command: 'lineTo', args: [100 - t, 100 - t] }, { command: 'lineTo', args: [100 - t, t] }, { command: 'closePath', args: [] },
];
const bar = (w: number): PathCommand[] => [
  { command: 'moveTo', args: [0, 0] }, { command: 'lineTo', args: [w, 0] }, { command: 'quadraticCurveTo', args: [w + 30, 60, w, 120] }, { command: 'lineTo', args: [0, 120] }, { command: 'closePath', args: [] },
];
const OUTLINES: Record<number, PathCommand[][]> = { 0x4f: [ring(20), ring(35)], 0x6c: [bar(20), bar(45)] };
const FACES: Face[] = [0, 1].map((id) => ({ id, pkg: 0, file: `f${id}.ttf`, family: `F${id}`, style: 'Regular', fullName: `F${id}`, design: `f${id}`, rank: 0 }));

/** Renders the fixture classes and fills each to 6 instances with seeded variations, like the generator. */
function build(seed: number): Map<string, Buffer> {
  const classes: BuiltClass[] = Object.entries(OUTLINES).map(([cp, outlines]) => {
    const instances = outlines.map((o, face) => ({ face, img: rasterizeOutline(flattenPath(o))!, augmented: false }));
    for (const { source, raster } of planVariations([0, 1], Number(cp), seed, 6)) {
      instances.push({ face: source, img: rasterizeOutline(flattenPath(OUTLINES[Number(cp)]![source]!), raster)!, augmented: true });
    }
    return { script: 'Latin', codePoint: Number(cp), instances };
  });
  const { pixels, index } = assemble(classes, FACES, [{ name: 'fixture', version: '1', licence: 'none' }], seed);
  return serialize(pixels, index);
}

describe('generator writer and augmentation', () => {
  it('gives byte-identical files for the same seed, different pixels for another seed', () => {
    const a = build(7);
    const b = build(7);
    const c = build(8);
    expect([...a.keys()]).toEqual(['pixels.u8.gz', 'index.json', 'SHA256SUMS']);
    for (const [name, bytes] of a) expect(Buffer.compare(bytes, b.get(name)!), name).toBe(0);
    expect(Buffer.compare(gunzipSync(a.get('pixels.u8.gz')!), gunzipSync(c.get('pixels.u8.gz')!))).not.toBe(0);
  });

  it('records offsets, sources and where the variations start, and SHA256SUMS covers both files', () => {
    const files = build(7);
    const index = JSON.parse(files.get('index.json')!.toString('utf8'));
    expect(index.classes.map((c: { char: string; offset: number; count: number; augmentedFrom: number; sources: number[] }) => [c.char, c.offset, c.count, c.augmentedFrom, c.sources])).toEqual([
      ['O', 0, 6, 2, [0, 1, 0, 1, 0, 1]],
      ['l', 6, 6, 2, [0, 1, 0, 1, 0, 1]],
    ]);
    expect(index.classes.every((c: { split: string }) => c.split === 'train')).toBe(true);
    const sums = files.get('SHA256SUMS')!.toString('utf8');
    for (const name of ['pixels.u8.gz', 'index.json']) {
      expect(sums).toContain(`${createHash('sha256').update(files.get(name)!).digest('hex')}  ${name}\n`);
    }
  });

  it('writes variations that differ from their source yet keep ink inside the frame', async () => {
    const files = build(7);
    const ds = await loadGlyphs(files.get('pixels.u8.gz')!, JSON.parse(files.get('index.json')!.toString('utf8')));
    for (const c of ds.index.classes) {
      for (let i = c.augmentedFrom; i < c.count; i++) {
        const img = ds.raw(c.offset + i);
        const src = ds.raw(c.offset + c.sources[i]!);
        expect(Buffer.compare(Buffer.from(img), Buffer.from(src))).not.toBe(0);
        // The outermost ring of pixels stays empty: scale ≤ 1 and shift ≤ 1.5 px inside a 2 px margin.
        for (let k = 0; k < 28; k++) expect([img[k], img[27 * 28 + k], img[k * 28], img[k * 28 + 27]]).toEqual([0, 0, 0, 0]);
      }
    }
  });
});
