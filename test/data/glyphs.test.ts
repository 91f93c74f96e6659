import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { DEFAULT_GLYPHS_DIR, loadGlyphsFromDisk } from '../../cli/glyphs-data';
import { loadGlyphs } from '../../src/data/glyphs';
import type { GlyphDataset } from '../../src/data/glyphs';
import type { GlyphIndex } from '../../src/data/glyph-index';

let ds: GlyphDataset;
beforeAll(async () => {
  ds = await loadGlyphsFromDisk();
});

describe('committed glyphs dataset', () => {
  it('matches its recorded SHA256SUMS', () => {
    const lines = readFileSync(`${DEFAULT_GLYPHS_DIR}/SHA256SUMS`, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split('  ')[1])).toEqual(['pixels.u8.gz', 'index.json']);
    for (const line of lines) {
      const [sum, name] = line.split('  ');
      expect(createHash('sha256').update(readFileSync(`${DEFAULT_GLYPHS_DIR}/${name}`)).digest('hex'), name).toBe(sum);
    }
  });

  it('has N×28×28 pixels, contiguous classes and images as 784 floats in [0, 1] equal to the bytes / 255', () => {
    expect(ds.size).toBe(28);
    expect(ds.pixelsPerImage).toBe(784);
    expect(ds.images).toBe(ds.index.classes.reduce((n, c) => n + c.count, 0));
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < ds.images; i += 97) {
      const img = ds.image(i);
      expect(img).toBeInstanceOf(Float32Array);
      expect(img.length).toBe(784);
      for (const v of img) [min, max] = [Math.min(min, v), Math.max(max, v)];
      expect(img[400]).toBe(Math.fround(ds.raw(i)[400]! / 255));
    }
    expect([min, max]).toEqual([0, 1]);
    expect(() => ds.image(ds.images)).toThrow(RangeError);
  });

  it('has 33 scripts, every class with ink in every image and a valid source font', () => {
    expect(new Set(ds.index.classes.map((c) => c.script)).size).toBe(33);
    for (const c of ds.index.classes) {
      expect(c.char.codePointAt(0)).toBe(c.codePoint);
      for (const s of c.sources) expect(ds.index.fonts[s]).toBeDefined();
      for (let i = c.offset; i < c.offset + c.count; i++) expect(ds.raw(i).some((v) => v > 0)).toBe(true);
    }
  });

  it('splits by script: no script and no class is in two splits, and every class is in one', () => {
    const names = ['train', 'validation', 'test'] as const;
    const scripts = names.map((n) => new Set(ds.split(n).map((c) => c.script)));
    const ids = names.map((n) => new Set(ds.split(n).map((c) => c.id)));
    for (let a = 0; a < 3; a++) {
      for (let b = a + 1; b < 3; b++) {
        expect([...scripts[a]!].filter((s) => scripts[b]!.has(s))).toEqual([]);
        expect([...ids[a]!].filter((s) => ids[b]!.has(s))).toEqual([]);
      }
    }
    expect(ids.reduce((n, s) => n + s.size, 0)).toBe(ds.index.classes.length);
    expect([...scripts[2]!].sort()).toEqual([...ds.index.splits.test].sort());
    expect(ds.split('test').every((c) => ds.index.splits.test.includes(c.script))).toBe(true);
  });

  it('rejects pixels that do not match the index, and bytes that are not gzip', async () => {
    const index = JSON.parse(readFileSync(`${DEFAULT_GLYPHS_DIR}/index.json`, 'utf8')) as GlyphIndex;
    await expect(loadGlyphs(gzipSync(new Uint8Array(10)), index)).rejects.toMatchObject({ code: 'GLYPHS_BAD_PIXELS' });
    await expect(loadGlyphs(new Uint8Array([1, 2, 3, 4]), index)).rejects.toMatchObject({ code: 'GLYPHS_BAD_PIXELS' });
    const broken = { ...index, classes: index.classes.map((c, i) => (i === 3 ? { ...c, offset: c.offset + 1 } : c)) };
    await expect(loadGlyphs(gzipSync(new Uint8Array(0)), broken)).rejects.toMatchObject({ code: 'GLYPHS_BAD_INDEX' });
  });
});
