import type { SplitName } from '../../src/data/glyph-index';
import type { GlyphRecipe } from '../glyphs/recipe';

/** A Unicode block: [first, last] code points and its name (Blocks.txt). */
export interface Block {
  first: number;
  last: number;
  name: string;
}

/** Parses Unicode's Blocks.txt (`0000..007F; Basic Latin`). */
export function parseBlocks(text: string): Block[] {
  const out: Block[] = [];
  for (const m of text.matchAll(/^([0-9A-F]{4,6})\.\.([0-9A-F]{4,6});\s*(.+?)\s*$/gim)) {
    out.push({ first: parseInt(m[1]!, 16), last: parseInt(m[2]!, 16), name: m[3]! });
  }
  return out;
}

/** The block of a code point (binary search over sorted, disjoint blocks), or null. */
export function blockOf(blocks: readonly Block[], cp: number): string | null {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = blocks[mid]!;
    if (cp < b.first) hi = mid - 1;
    else if (cp > b.last) lo = mid + 1;
    else return b.name;
  }
  return null;
}

/**
 * Blocks per split: whole blocks, so test symbols come from blocks never seen in meta-training
 * (docs/symbols.md has the counts that chose them).
 */
export const SPLIT_BLOCKS: Record<SplitName, readonly string[]> = {
  train: [
    'Basic Latin', 'Latin-1 Supplement', 'Thai', 'Tibetan', 'General Punctuation', 'Currency Symbols', 'Letterlike Symbols',
    'Number Forms', 'Arrows', 'Mathematical Operators', 'Miscellaneous Technical', 'Geometric Shapes', 'Miscellaneous Symbols',
    'Supplemental Arrows-B', 'Supplemental Mathematical Operators', 'Miscellaneous Symbols and Arrows', 'Supplemental Punctuation',
    'Yijing Hexagram Symbols', 'Tai Xuan Jing Symbols', 'Common Indic Number Forms', 'Phaistos Disc', 'Byzantine Musical Symbols',
    'Musical Symbols', 'Domino Tiles',
  ],
  validation: ['Miscellaneous Mathematical Symbols-B', 'Dingbats', 'Emoticons', 'Supplemental Arrows-A', 'Control Pictures'],
  test: [
    'Miscellaneous Mathematical Symbols-A', 'Alchemical Symbols', 'Playing Cards', 'Mahjong Tiles', 'Ancient Symbols',
    'Optical Character Recognition', 'Ornamental Dingbats', 'Miscellaneous Symbols and Pictographs',
  ],
};

// Lines and shaded boxes (box drawing, block elements) fill the 24 px square whatever they are;
// Braille is dots that every font draws alike; enclosed alphanumerics are letters and digits in a frame.
const EXCLUDED_BLOCKS = new Set(['Box Drawing', 'Block Elements', 'Braille Patterns', 'Enclosed Alphanumerics', 'Enclosed Alphanumeric Supplement']);
// Math, currency and other symbols (Sm, Sc, So) of no script; modifier symbols (Sk: ^ ` ¨ ˜ …) are
// accents, not shapes, and a script's own signs (Tibetan marks, Khmer lunar dates) belong to glyphs' alphabets.
const SYMBOL = /^[\p{Sm}\p{Sc}\p{So}]$/u;
const COMMON = /^\p{Script=Common}$/u;
// Keyboard and initials faces draw a frame around the character.
const EXCLUDED_FACE = /keyboard|initials/i;

/** The symbols recipe over Unicode's blocks: a candidate is a symbol of no script, equal to its NFKC and NFD forms, in a block of `splits`. */
export function symbolRecipe(blocks: readonly Block[], splits: Record<SplitName, readonly string[]> = SPLIT_BLOCKS): GlyphRecipe {
  const listed = new Set([...splits.train, ...splits.validation, ...splits.test]);
  return {
    splits,
    groupOf: (cp) => {
      if (!Number.isInteger(cp) || cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return null;
      const ch = String.fromCodePoint(cp);
      if (!SYMBOL.test(ch) || !COMMON.test(ch) || ch.normalize('NFKC') !== ch || ch.normalize('NFD') !== ch) return null;
      const block = blockOf(blocks, cp);
      return block && !EXCLUDED_BLOCKS.has(block) && listed.has(block) ? block : null;
    },
    minFaces: 4,
    minDesigns: 2,
    // Emoji and tiles are drawn by few fonts: at least 4 different drawings, the rest affine variations.
    minInstances: 4,
    // Thin rules and bars (⎴, ⏜, 𝄄) scaled into 24 px are a hairline.
    minInk: 0.02,
    dropLookAlikes: true,
    maxClassesPerGroup: 60,
    candidatesPerGroup: 90,
    instancesPerClass: 20,
    isExcludedFace: (fullName, family) => EXCLUDED_FACE.test(fullName) || EXCLUDED_FACE.test(family),
  };
}
