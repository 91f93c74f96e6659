import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { domainDir, loadDomainFromDisk } from '../../cli/glyphs-data';
import { createEpisodeSampler } from '../../src/data/episodes';
import type { IconIndex } from '../../src/data/glyph-index';
import type { GlyphDataset } from '../../src/data/glyphs';
import { byHalves } from '../../src/data/halves';

let ds: GlyphDataset<IconIndex>;
beforeAll(async () => {
  ds = await loadDomainFromDisk('icons');
});

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('committed icons domain', () => {
  it('matches its recorded SHA256SUMS', () => {
    const dir = domainDir('icons');
    const lines = readFileSync(`${dir}/SHA256SUMS`, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split('  ')[1])).toEqual(['pixels.u8.gz', 'index.json']);
    for (const line of lines) {
      const [sum, name] = line.split('  ');
      expect(sha(readFileSync(`${dir}/${name}`)), name).toBe(sum);
    }
  });

  it('has hundreds of classes of 8–20 images, each from ≥ 8 different themes, with a file per image', () => {
    expect(ds.index.format).toBe('fewshot-icons/1');
    expect(ds.size).toBe(28);
    expect(ds.index.classes.length).toBeGreaterThanOrEqual(500);
    expect(ds.images).toBe(ds.index.classes.reduce((n, c) => n + c.count, 0));
    expect(new Set(ds.index.classes.map((c) => c.name)).size).toBe(ds.index.classes.length);
    for (const c of ds.index.classes) {
      expect(c.count).toBeGreaterThanOrEqual(8);
      expect(c.count).toBeLessThanOrEqual(20);
      expect(new Set(c.sources).size, c.name).toBeGreaterThanOrEqual(8);
      expect(c.files).toHaveLength(c.count);
      for (const [k, s] of c.sources.entries()) {
        const theme = ds.index.themes[s]!;
        expect(theme.dirs.some((d) => c.files[k]!.startsWith(`${d}/`)), c.files[k]).toBe(true);
      }
    }
    // Every theme and package listed is used or is the legacy-name table.
    const used = new Set(ds.index.classes.flatMap((c) => c.sources));
    expect(used.size).toBe(ds.index.themes.length);
  });

  it('stores images as floats in [0, 1] with the object at 1, the background at 0 and a 2 px empty margin', () => {
    for (let i = 0; i < ds.images; i += 37) {
      const raw = ds.raw(i);
      expect(Math.max(...raw), `image ${i}`).toBe(255);
      expect(raw[0]).toBe(0);
      const img = ds.image(i);
      expect(img[300]).toBe(Math.fround(raw[300]! / 255));
      // Rows and columns 0–1 and 26–27 are margin (the fit is 24 px, centred).
      for (const a of [0, 1, 26, 27]) for (let b = 0; b < 28; b++) expect([raw[a * 28 + b], raw[b * 28 + a]]).toEqual([0, 0]);
    }
  });

  it('holds no image twice, neither within a class nor across classes', () => {
    const owner = new Map<string, number>();
    for (const c of ds.index.classes) {
      for (let i = c.offset; i < c.offset + c.count; i++) {
        const k = sha(ds.raw(i));
        expect(owner.get(k), `image ${i} of ${c.name}`).toBeUndefined();
        owner.set(k, c.id);
      }
    }
  });

  it('is all test (held out), in two disjoint halves that keep name families together', () => {
    expect(ds.split('train')).toEqual([]);
    expect(ds.split('validation')).toEqual([]);
    expect(ds.split('test')).toHaveLength(ds.index.classes.length);
    const halves = byHalves(ds);
    const v = halves.split('validation');
    const t = halves.split('test');
    expect(halves.split('train')).toEqual([]);
    expect(v.length + t.length).toBe(ds.index.classes.length);
    expect(Math.abs(v.length - t.length)).toBeLessThanOrEqual(0.1 * ds.index.classes.length);
    const vIds = new Set(v.map((c) => c.id));
    expect(t.filter((c) => vIds.has(c.id))).toEqual([]);
    const family = (n: string): string => (n.includes('-') ? n.slice(0, n.lastIndexOf('-')) : n);
    const vFamilies = new Set(v.map((c) => family(c.name)));
    expect(t.filter((c) => vFamilies.has(family(c.name))).map((c) => c.name)).toEqual([]);
    // Balanced per context, except where one family is most of a context (face-* are the emotes).
    for (const ctx of ds.index.splits.test) {
      const inCtx = ds.index.classes.filter((c) => c.context === ctx);
      const biggest = Math.max(...[...new Set(inCtx.map((c) => family(c.name)))].map((f) => inCtx.filter((c) => family(c.name) === f).length));
      const inV = inCtx.filter((c) => c.half === 'validation').length;
      expect(Math.abs(2 * inV - inCtx.length), ctx).toBeLessThanOrEqual(Math.max(4, 0.1 * inCtx.length, biggest));
    }
  });

  it('feeds the episode sampler: 5-way 5-shot from one half, classes of that half, distinct images', () => {
    const halves = byHalves(ds);
    const validation = new Set(halves.split('validation').map((c) => c.id));
    const sampler = createEpisodeSampler(halves, 'validation', { ways: 5, shots: 5, queries: 5, seed: 7, smallClasses: 'skip' });
    expect(sampler.classCount).toBe(halves.split('validation').filter((c) => c.count >= 10).length);
    for (let e = 0; e < 5; e++) {
      const { support, query } = sampler.next();
      expect(support.inputs).toHaveLength(25 * 784);
      expect(query.inputs).toHaveLength(25 * 784);
      for (const id of support.classIds) expect(validation.has(id)).toBe(true);
      const rows = new Set<string>();
      for (const set of [support, query]) {
        for (let i = 0; i < set.labels.length; i++) rows.add(sha(new Uint8Array(set.inputs.buffer, i * 784 * 4, 784 * 4)));
      }
      expect(rows.size).toBe(50);
    }
    // Without 'skip' the 8-image classes make 5 + 5 too many.
    expect(() => createEpisodeSampler(halves, 'validation', { ways: 5, shots: 5, queries: 5, seed: 7 })).toThrow(/exceeds/);
    expect(() => createEpisodeSampler(halves, 'train', { ways: 5, shots: 1, queries: 1, seed: 7 })).toThrow(/has 0 classes/);
  });
});
