import { beforeAll, describe, expect, it } from 'vitest';
import { loadGlyphsFromDisk } from '../../cli/glyphs-data';
import { createEpisodeSampler, toApiExamples } from '../../src/data/episodes';
import type { GlyphDataset } from '../../src/data/glyphs';
import { rotateQuarterInto } from '../../src/data/rotate';
import { FIRST_EPISODE, FIRST_EPISODE_SHA256, episodeDigest } from './glyphs-episode';

let ds: GlyphDataset;
beforeAll(async () => {
  ds = await loadGlyphsFromDisk();
});

const counts = (labels: Int32Array, ways: number): number[] => {
  const c = new Array<number>(ways).fill(0);
  for (const l of labels) c[l]!++;
  return c;
};

describe('episode sampler', () => {
  it('draws the recorded first episode (the workerd test asserts the same digest)', async () => {
    const sampler = createEpisodeSampler(ds, FIRST_EPISODE.split, FIRST_EPISODE.options);
    expect(await episodeDigest(sampler.next())).toBe(FIRST_EPISODE_SHA256);
  });

  it('is deterministic per seed and differs across seeds', async () => {
    const opts = { ways: 5, shots: 2, queries: 4 };
    const a = createEpisodeSampler(ds, 'train', { ...opts, seed: 3 });
    const b = createEpisodeSampler(ds, 'train', { ...opts, seed: 3 });
    const c = createEpisodeSampler(ds, 'train', { ...opts, seed: 4 });
    for (let i = 0; i < 5; i++) {
      const [ea, eb, ec] = [a.next(), b.next(), c.next()];
      expect(await episodeDigest(ea)).toBe(await episodeDigest(eb));
      expect(await episodeDigest(ea)).not.toBe(await episodeDigest(ec));
    }
  });

  it('balances labels, uses distinct classes of the split and distinct images per class', () => {
    const testIds = new Set(ds.split('test').map((c) => c.id));
    const sampler = createEpisodeSampler(ds, 'test', { ways: 20, shots: 5, queries: 15, seed: 11 });
    for (let e = 0; e < 10; e++) {
      const { support, query } = sampler.next();
      expect(support.inputs.length).toBe(20 * 5 * 784);
      expect(query.inputs.length).toBe(20 * 15 * 784);
      expect(counts(support.labels, 20)).toEqual(new Array(20).fill(5));
      expect(counts(query.labels, 20)).toEqual(new Array(20).fill(15));
      expect(new Set(support.classIds).size).toBe(20);
      expect(support.classIds.every((id) => testIds.has(id))).toBe(true);
      expect(query.classIds).toEqual(support.classIds);
      // shots + queries = 20 = every image of the class, each exactly once (the generator keeps a class's images distinct).
      const seen = new Set<string>();
      for (const set of [support, query]) {
        for (let i = 0; i < set.labels.length; i++) seen.add(`${set.labels[i]}:${set.inputs.subarray(i * 784, (i + 1) * 784).join(',')}`);
      }
      expect(seen.size).toBe(20 * 20);
    }
  });

  it('puts the image of the class behind each label, rotated by quarter turns when asked', () => {
    const sampler = createEpisodeSampler(ds, 'validation', { ways: 5, shots: 1, queries: 0, seed: 5, rotations: true });
    expect(sampler.classCount).toBe(ds.split('validation').length * 4);
    let rotated = 0;
    for (let e = 0; e < 10; e++) {
      const { support } = sampler.next();
      for (let i = 0; i < 5; i++) {
        const label = support.labels[i]!;
        const cls = ds.index.classes[support.classIds[label]!]!;
        const quarter = support.rotations[label]!;
        rotated += quarter > 0 ? 1 : 0;
        const candidates = Array.from({ length: cls.count }, (_, k) => {
          const out = new Float32Array(784);
          rotateQuarterInto(ds.image(cls.offset + k), 28, quarter, out, 0);
          return out.join(',');
        });
        expect(candidates).toContain(support.inputs.subarray(i * 784, (i + 1) * 784).join(','));
      }
    }
    expect(rotated).toBeGreaterThan(0);
    expect(createEpisodeSampler(ds, 'validation', { ways: 5, shots: 1, queries: 1, seed: 5 }).next().support.rotations).toEqual([0, 0, 0, 0, 0]);
  });

  it('rotates a 2×2 image clockwise by quarter turns', () => {
    const src = Float32Array.from([1, 2, 3, 4]);
    const out = new Float32Array(4);
    rotateQuarterInto(src, 2, 1, out, 0);
    expect([...out]).toEqual([3, 1, 4, 2]);
    rotateQuarterInto(src, 2, 2, out, 0);
    expect([...out]).toEqual([4, 3, 2, 1]);
    rotateQuarterInto(src, 2, 3, out, 0);
    expect([...out]).toEqual([2, 4, 1, 3]);
  });

  it('converts to the API shape and rejects impossible episodes', () => {
    const { support } = createEpisodeSampler(ds, 'test', { ways: 3, shots: 2, queries: 1, seed: 1 }).next();
    const api = toApiExamples(support);
    expect(api.inputs).toHaveLength(6);
    expect(api.inputs[0]).toHaveLength(784);
    expect(api.labels).toEqual(Array.from(support.labels));
    expect(api.inputs[5]![100]).toBe(support.inputs[5 * 784 + 100]);
    expect(() => createEpisodeSampler(ds, 'test', { ways: 5, shots: 10, queries: 11, seed: 1 })).toThrow(/exceeds/);
    expect(() => createEpisodeSampler(ds, 'test', { ways: 10_000, shots: 1, queries: 1, seed: 1 })).toThrow(/ways/);
    expect(() => createEpisodeSampler(ds, 'test', { ways: 0, shots: 1, queries: 1, seed: 1 })).toThrow(/positive/);
  });
});
