import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { domainDir, loadDomainFromDisk } from '../../cli/glyphs-data';
import { createEpisodeSampler } from '../../src/data/episodes';
import type { GlyphDataset } from '../../src/data/glyphs';

let ds: GlyphDataset;
let glyphs: GlyphDataset;
beforeAll(async () => {
  [ds, glyphs] = await Promise.all([loadDomainFromDisk('symbols'), loadDomainFromDisk('glyphs')]);
});

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('committed symbols domain', () => {
  it('matches its recorded SHA256SUMS', () => {
    const dir = domainDir('symbols');
    const lines = readFileSync(`${dir}/SHA256SUMS`, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split('  ')[1])).toEqual(['pixels.u8.gz', 'index.json']);
    for (const line of lines) {
      const [sum, name] = line.split('  ');
      expect(sha(readFileSync(`${dir}/${name}`)), name).toBe(sum);
    }
  });

  it('has symbol classes (no letters, none of the glyph classes) of 20 images, ≥ 2 font designs each', () => {
    expect(ds.index.format).toBe('fewshot-glyphs/1');
    expect(ds.index.classes.length).toBeGreaterThanOrEqual(500);
    expect(ds.images).toBe(20 * ds.index.classes.length);
    const glyphPoints = new Set(glyphs.index.classes.map((c) => c.codePoint));
    for (const c of ds.index.classes) {
      expect(c.count).toBe(20);
      expect(c.char.codePointAt(0)).toBe(c.codePoint);
      expect(c.char, c.char).toMatch(/^[\p{Sm}\p{Sc}\p{So}]$/u);
      expect(glyphPoints.has(c.codePoint)).toBe(false);
      const drawn = c.sources.slice(0, c.augmentedFrom);
      expect(new Set(drawn.map((s) => ds.index.fonts[s]!.design)).size, c.char).toBeGreaterThanOrEqual(2);
    }
  });

  it('stores images as floats in [0, 1] with ink in every image', () => {
    let [min, max] = [Infinity, -Infinity];
    for (let i = 0; i < ds.images; i++) {
      const raw = ds.raw(i);
      expect(raw.some((v) => v > 0), `image ${i}`).toBe(true);
      if (i % 53 === 0) {
        const img = ds.image(i);
        for (const v of img) [min, max] = [Math.min(min, v), Math.max(max, v)];
        expect(img[400]).toBe(Math.fround(raw[400]! / 255));
      }
    }
    expect([min, max]).toEqual([0, 1]);
  });

  it('holds no image twice within a class', () => {
    for (const c of ds.index.classes) {
      const seen = new Set<string>();
      for (let i = c.offset; i < c.offset + c.count; i++) seen.add(sha(ds.raw(i)));
      expect(seen.size, c.char).toBe(c.count);
    }
  });

  it('splits by Unicode block: no block and no class in two splits, every split non-empty', () => {
    const names = ['train', 'validation', 'test'] as const;
    const blocks = names.map((n) => new Set(ds.split(n).map((c) => c.script)));
    const ids = names.map((n) => new Set(ds.split(n).map((c) => c.id)));
    for (let a = 0; a < 3; a++) {
      expect(ids[a]!.size).toBeGreaterThan(0);
      for (let b = a + 1; b < 3; b++) {
        expect([...blocks[a]!].filter((s) => blocks[b]!.has(s))).toEqual([]);
        expect([...ids[a]!].filter((s) => ids[b]!.has(s))).toEqual([]);
      }
    }
    expect(ids.reduce((n, s) => n + s.size, 0)).toBe(ds.index.classes.length);
  });

  it('feeds the episode sampler on every split', () => {
    for (const split of ['train', 'validation', 'test'] as const) {
      const inSplit = new Set(ds.split(split).map((c) => c.id));
      const { support, query } = createEpisodeSampler(ds, split, { ways: 5, shots: 5, queries: 15, seed: 3 }).next();
      expect(support.inputs).toHaveLength(25 * 784);
      expect(query.labels).toHaveLength(75);
      for (const id of [...support.classIds, ...query.classIds]) expect(inSplit.has(id)).toBe(true);
    }
  });
});
