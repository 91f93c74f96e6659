import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DomainIndex, GlyphIndex, IconIndex } from '../src/data/glyph-index';
import { loadGlyphs } from '../src/data/glyphs';
import type { GlyphDataset } from '../src/data/glyphs';

/** The committed dataset folder (data/glyphs at the repository root). */
export const DEFAULT_GLYPHS_DIR = fileURLToPath(new URL('../data/glyphs/', import.meta.url));

/** The committed image domains, each in data/<name>/ with the same three files as glyphs. */
export interface DomainIndexes {
  glyphs: GlyphIndex;
  icons: IconIndex;
  symbols: GlyphIndex;
}
export type DomainName = keyof DomainIndexes;

/** The folder of a committed domain (data/<name> at the repository root). */
export const domainDir = (name: DomainName): string => fileURLToPath(new URL(`../data/${name}/`, import.meta.url));

async function loadDir<I extends DomainIndex>(dir: string): Promise<GlyphDataset<I>> {
  const [pixels, index] = await Promise.all([readFile(`${dir}/pixels.u8.gz`), readFile(`${dir}/index.json`, 'utf8')]);
  return loadGlyphs(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length), JSON.parse(index) as I);
}

/** Node convenience: reads pixels.u8.gz and index.json from a folder and loads them. */
export async function loadGlyphsFromDisk(dir: string = DEFAULT_GLYPHS_DIR): Promise<GlyphDataset> {
  return loadDir<GlyphIndex>(dir);
}

/** Node convenience: loads a committed domain by name (glyphs, icons, symbols). */
export async function loadDomainFromDisk<N extends DomainName>(name: N): Promise<GlyphDataset<DomainIndexes[N]>> {
  return loadDir<DomainIndexes[N]>(domainDir(name));
}
