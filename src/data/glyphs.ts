import { DataError } from './errors';
import type { DomainIndex, GlyphIndex, SplitName } from './glyph-index';
import { gunzip } from './gunzip';

/**
 * A committed image dataset in memory (glyphs, or another domain such as icons): uint8 pixels plus
 * the index, read as [0, 1] floats on demand.
 */
export interface GlyphDataset<I extends DomainIndex = GlyphIndex> {
  readonly index: I;
  /** Side of an image (28). */
  readonly size: number;
  /** Pixels per image (784). */
  readonly pixelsPerImage: number;
  readonly images: number;
  /** Classes of a split, in index order. */
  split(name: SplitName): I['classes'][number][];
  /** Image i as size×size floats in [0, 1], ink (object) = 1. */
  image(i: number): Float32Array;
  /** Writes image i as floats into out at position at (no allocation). */
  imageInto(i: number, out: Float32Array, at: number): void;
  /** Image i as stored (uint8, a view, not a copy). */
  raw(i: number): Uint8Array;
}

const SPLITS: readonly SplitName[] = ['train', 'validation', 'test'];

/** Any dataset whatever its index: what the episode sampler and trainers take. */
export type ImageDataset = GlyphDataset<DomainIndex>;

const FORMATS: readonly string[] = ['fewshot-glyphs/1', 'fewshot-icons/1'];

/** The unit a split is made of: a glyph class's script, an icon class's context. */
const groupOf = (c: DomainIndex['classes'][number]): string => ('script' in c ? c.script : c.context);

function checkIndex(index: DomainIndex): void {
  if (!FORMATS.includes(index.format)) throw new DataError('GLYPHS_BAD_INDEX', `unknown index format ${String(index.format)}`);
  let next = 0;
  for (const c of index.classes) {
    if (c.offset !== next || c.count <= 0 || c.sources.length !== c.count) {
      throw new DataError('GLYPHS_BAD_INDEX', `class ${c.id} does not continue at image ${next}`);
    }
    if (!index.splits[c.split]?.includes(groupOf(c))) {
      throw new DataError('GLYPHS_BAD_INDEX', `class ${c.id} (${groupOf(c)}) is not in its split ${c.split}`);
    }
    next += c.count;
  }
  if (next !== index.images) throw new DataError('GLYPHS_BAD_INDEX', `classes cover ${next} images, index says ${index.images}`);
}

/** Builds a dataset from already decompressed pixels; checks that they match the index. */
export function glyphDatasetFrom<I extends DomainIndex = GlyphIndex>(pixels: Uint8Array, index: I): GlyphDataset<I> {
  checkIndex(index);
  const area = index.size * index.size;
  if (pixels.length !== index.images * area) {
    throw new DataError('GLYPHS_BAD_PIXELS', `expected ${index.images * area} pixel bytes, got ${pixels.length}`);
  }
  const classes: I['classes'][number][] = index.classes;
  const bySplit = new Map(SPLITS.map((s) => [s, classes.filter((c) => c.split === s)]));
  const check = (i: number): void => {
    if (!Number.isInteger(i) || i < 0 || i >= index.images) throw new RangeError(`image ${i} out of range [0, ${index.images})`);
  };
  const imageInto = (i: number, out: Float32Array, at: number): void => {
    check(i);
    for (let p = 0, src = i * area; p < area; p++) out[at + p] = pixels[src + p]! / 255;
  };
  return {
    index,
    size: index.size,
    pixelsPerImage: area,
    images: index.images,
    split: (name) => {
      const list = bySplit.get(name);
      if (!list) throw new DataError('GLYPHS_BAD_SPLIT', `unknown split ${String(name)}`);
      return list;
    },
    image: (i) => {
      const out = new Float32Array(area);
      imageInto(i, out, 0);
      return out;
    },
    imageInto,
    raw: (i) => {
      check(i);
      return pixels.subarray(i * area, (i + 1) * area);
    },
  };
}

/** Loads a dataset from the bytes of pixels.u8.gz and the parsed index.json (Node, workerd, browser). */
export async function loadGlyphs<I extends DomainIndex = GlyphIndex>(pixelsGz: Uint8Array | ArrayBuffer, index: I): Promise<GlyphDataset<I>> {
  let pixels: Uint8Array;
  try {
    pixels = await gunzip(pixelsGz);
  } catch (err) {
    throw new DataError('GLYPHS_BAD_PIXELS', `pixels are not valid gzip: ${(err as Error).message}`);
  }
  return glyphDatasetFrom(pixels, index);
}
