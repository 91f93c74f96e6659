import type { SplitName } from '../../src/data/glyph-index';

/** Scripts per split (glyphs-recipe.md): test alphabets are never seen in meta-training. */
export const SPLIT_SCRIPTS: Record<SplitName, readonly string[]> = {
  train: [
    'Latin', 'Greek', 'Cyrillic', 'Arabic', 'Devanagari', 'Bengali', 'Gujarati', 'Gurmukhi', 'Oriya', 'Kannada',
    'Telugu', 'Malayalam', 'Thai', 'Myanmar', 'Tifinagh', 'Coptic', 'Old_Italic', 'Ogham', 'Lisu', 'New_Tai_Lue',
  ],
  validation: ['Armenian', 'Sinhala', 'Lao', 'Gothic', 'Canadian_Aboriginal'],
  test: ['Ethiopic', 'Georgian', 'Khmer', 'Cherokee', 'Runic', 'Tamil', 'Hebrew', 'Miao'],
};

export const ALL_SCRIPTS: readonly string[] = [...SPLIT_SCRIPTS.train, ...SPLIT_SCRIPTS.validation, ...SPLIT_SCRIPTS.test];

export const MAX_CLASSES_PER_SCRIPT = 55;
export const INSTANCES_PER_CLASS = 20;
export const MIN_FACES = 8;
export const MIN_DESIGNS = 2;

const SCRIPT_REGEX = new Map(ALL_SCRIPTS.map((s) => [s, new RegExp(`^\\p{Script=${s}}$`, 'u')]));
const LETTER = /^\p{L}$/u;
const LATIN_BASIC = /^[A-Za-z]$/;

/** The split a script belongs to. */
export function splitOfScript(script: string): SplitName {
  for (const name of ['train', 'validation', 'test'] as const) if (SPLIT_SCRIPTS[name].includes(script)) return name;
  throw new Error(`script ${script} is in no split`);
}

/** The recipe script of a code point, or null when the character is not a candidate class. */
export function candidateScript(codePoint: number): string | null {
  // Some cmaps list values past U+10FFFF or surrogates.
  if (!Number.isInteger(codePoint) || codePoint < 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint < 0xe000)) return null;
  const ch = String.fromCodePoint(codePoint);
  if (!LETTER.test(ch) || ch.normalize('NFKC') !== ch || ch.normalize('NFD') !== ch) return null;
  for (const [script, re] of SCRIPT_REGEX) {
    if (!re.test(ch)) continue;
    if (script === 'Latin' && !LATIN_BASIC.test(ch)) return null;
    // Older fonts map other Georgian ranges to wrong shapes: Mkhedruli only.
    if (script === 'Georgian' && (codePoint < 0x10d0 || codePoint > 0x10f0)) return null;
    return script;
  }
  return null;
}

// Keyboard, initials and decorative faces draw something other than the character itself: BPG's
// "Block" draws letters as holes in a box, its "Caps" faces draw Mkhedruli code points as capitals.
const EXCLUDED_FACE = /keyboard|initials|decorative|ornament|dingbat|\bblock\b|\bcaps\b|kacst ?(art|digital|poster|pen|letter|title|titlel|decorative|screen)\b/i;

/** True when a face is excluded by name. */
export function isExcludedFace(fullName: string, family: string): boolean {
  return EXCLUDED_FACE.test(fullName) || EXCLUDED_FACE.test(family);
}

const STYLE_WORDS =
  /\b(regular|book|roman|normal|medium|bold|italic|oblique|slanted|light|thin|hairline|black|heavy|semi|demi|extra|ultra|semibold|demibold|extrabold|ultrabold|extralight|ultralight|semilight|condensed|cond|semicondensed|extracondensed|narrow|wide|expanded|extended|compact|ui)\b/gi;

/** A design: the family name with weight, width and style words stripped. */
export function designOf(family: string): string {
  return family.replace(STYLE_WORDS, ' ').replace(/\s+/g, ' ').trim().toLowerCase() || family.toLowerCase();
}

/** 0 for regular-weight upright faces, 1 otherwise: regular faces come first. */
export function styleRank(subfamily: string, fullName: string): number {
  const regular = /^(regular|book|roman|normal)$/i.test(subfamily.trim());
  const styled = /bold|italic|oblique|light|thin|black|heavy|semi|demi|extra|ultra|medium/i.test(fullName);
  return regular && !styled ? 0 : 1;
}

/** What a glyph-like domain chooses: candidate characters and their group, the thresholds, the faces and the splits. */
export interface GlyphRecipe {
  /** Groups (scripts, Unicode blocks) per split; a class's group decides its split. */
  splits: Record<SplitName, readonly string[]>;
  /** The group of a candidate code point, or null when it is no candidate. */
  groupOf(codePoint: number): string | null;
  minFaces: number;
  minDesigns: number;
  /** Distinct font-drawn images a class needs after duplicates are dropped (glyphs: no such rule). */
  minInstances?: number;
  maxClassesPerGroup: number;
  /** Renders with less ink than this share of the frame are dropped (glyphs: no such rule; none has so little). */
  minInk?: number;
  /** Drop a class that shares a drawing with an earlier class (glyphs keep Latin A / Greek Alpha alike). */
  dropLookAlikes?: boolean;
  /** How many best-covered characters per group are rendered (filters remove some before the cut). */
  candidatesPerGroup: number;
  instancesPerClass: number;
  isExcludedFace(fullName: string, family: string): boolean;
}

/** The glyphs recipe (docs/glyphs.md). */
export const GLYPH_RECIPE: GlyphRecipe = {
  splits: SPLIT_SCRIPTS,
  groupOf: candidateScript,
  minFaces: MIN_FACES,
  minDesigns: MIN_DESIGNS,
  maxClassesPerGroup: MAX_CLASSES_PER_SCRIPT,
  candidatesPerGroup: 80,
  instancesPerClass: INSTANCES_PER_CLASS,
  isExcludedFace,
};

/** The split of a group under a recipe's splits. */
export function splitOfGroup(splits: Record<SplitName, readonly string[]>, group: string): SplitName {
  for (const name of ['train', 'validation', 'test'] as const) if (splits[name].includes(group)) return name;
  throw new Error(`group ${group} is in no split`);
}
