/// <reference path="../../src/data/glyph-assets.d.ts" />
import { describe, expect, it } from 'vitest';
import { createEpisodeSampler } from '../../src/data/episodes';
import { loadGlyphs } from '../../src/data/glyphs';
import type { GlyphIndex } from '../../src/data/glyph-index';
import indexJson from '../../data/glyphs/index.json';
import pixelsGz from '../../data/glyphs/pixels.u8.gz';
import { FIRST_EPISODE, FIRST_EPISODE_SHA256, episodeDigest } from '../data/glyphs-episode';

const index = indexJson as unknown as GlyphIndex;

describe('glyphs dataset in workerd', () => {
  it('loads the committed bytes with DecompressionStream: shapes and value range', async () => {
    expect(pixelsGz).toBeInstanceOf(ArrayBuffer);
    const ds = await loadGlyphs(pixelsGz, index);
    expect(ds.images).toBe(index.images);
    expect(ds.split('train').length + ds.split('validation').length + ds.split('test').length).toBe(index.classes.length);
    const img = ds.image(ds.images - 1);
    expect(img.length).toBe(784);
    expect(Math.max(...img)).toBeLessThanOrEqual(1);
    expect(Math.min(...img)).toBe(0);
  });

  it('samples the same first episode as the Node sampler (same SHA-256)', async () => {
    const ds = await loadGlyphs(new Uint8Array(pixelsGz), index);
    const episode = createEpisodeSampler(ds, FIRST_EPISODE.split, FIRST_EPISODE.options).next();
    expect(await episodeDigest(episode)).toBe(FIRST_EPISODE_SHA256);
  });
});
