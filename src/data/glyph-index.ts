/** The three disjoint splits; each is a set of whole scripts. */
export type SplitName = 'train' | 'validation' | 'test';

/** A source package of the fonts, with its Debian version and licence summary. */
export interface GlyphPackage {
  name: string;
  version: string;
  licence: string;
}

/** One font face that drew instances. */
export interface GlyphFont {
  /** Path inside the package, e.g. usr/share/fonts/truetype/dejavu/DejaVuSans.ttf (#n for a face of a collection). */
  file: string;
  /** Index into GlyphIndex.packages. */
  package: number;
  family: string;
  style: string;
  design: string;
}

/** One class: a character of a script, with `count` images starting at image `offset`. */
export interface GlyphClass {
  id: number;
  script: string;
  split: SplitName;
  codePoint: number;
  char: string;
  offset: number;
  count: number;
  /** Index into GlyphIndex.fonts per instance. */
  sources: number[];
  /** Instances from this position on are random affine variations of their source's outline. */
  augmentedFrom: number;
}

/** The committed index next to pixels.u8.gz. */
export interface GlyphIndex {
  format: 'fewshot-glyphs/1';
  size: number;
  images: number;
  seed: number;
  splits: Record<SplitName, string[]>;
  packages: GlyphPackage[];
  fonts: GlyphFont[];
  classes: GlyphClass[];
}
