import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { GlyphIndex } from '../src/data/glyph-index';
import { loadGlyphs } from '../src/data/glyphs';
import type { GlyphDataset } from '../src/data/glyphs';

/** The committed dataset folder (data/glyphs at the repository root). */
export const DEFAULT_GLYPHS_DIR = fileURLToPath(new URL('../data/glyphs/', import.meta.url));

/** Node convenience: reads pixels.u8.gz and index.json from a folder and loads them. */
export async function loadGlyphsFromDisk(dir: string = DEFAULT_GLYPHS_DIR): Promise<GlyphDataset> {
  const [pixels, index] = await Promise.all([readFile(`${dir}/pixels.u8.gz`), readFile(`${dir}/index.json`, 'utf8')]);
  return loadGlyphs(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length), JSON.parse(index) as GlyphIndex);
}
