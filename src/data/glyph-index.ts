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

/** An icon theme that drew instances: its name and the package directories it was read from. */
export interface IconTheme {
  name: string;
  /** Directories under the package roots, e.g. usr/share/icons/Papirus. */
  dirs: string[];
  /** Indexes into IconIndex.packages, one per directory. */
  packages: number[];
}

/** One icon class: a freedesktop icon name, with `count` images (one per theme, at most) from image `offset`. */
export interface IconClass {
  id: number;
  /** The freedesktop icon name, e.g. edit-copy. */
  name: string;
  /** The icon context most themes file the name under (actions, places, …): the unit `splits` lists. */
  context: string;
  split: SplitName;
  /** A fixed half of the classes for choosing settings ('validation') and the other for reporting ('test'). */
  half: 'validation' | 'test';
  offset: number;
  count: number;
  /** Index into IconIndex.themes per instance. */
  sources: number[];
  /** The drawing behind each instance, relative to its package root. */
  files: string[];
  /** Instances that came from a theme's monochrome `-symbolic` drawing. */
  symbolic: number[];
}

/** The committed index of the icons domain (data/icons), same layout rules as GlyphIndex. */
export interface IconIndex {
  format: 'fewshot-icons/1';
  size: number;
  images: number;
  seed: number;
  /** Contexts per split. */
  splits: Record<SplitName, string[]>;
  packages: GlyphPackage[];
  themes: IconTheme[];
  classes: IconClass[];
}

/** Any committed image-domain index the loader reads. */
export type DomainIndex = GlyphIndex | IconIndex;
