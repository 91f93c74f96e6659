import { describe, expect, it } from 'vitest';
import { SPLIT_BLOCKS, blockOf, parseBlocks, symbolRecipe } from '../../../scripts/symbols/recipe';

const BLOCKS_TXT = `# Blocks-15.0.0.txt
0000..007F; Basic Latin
0B80..0BFF; Tamil
2100..214F; Letterlike Symbols
2190..21FF; Arrows
2500..257F; Box Drawing
2700..27BF; Dingbats
1F600..1F64F; Emoticons
`;

describe('symbols recipe', () => {
  const blocks = parseBlocks(BLOCKS_TXT);

  it('reads Blocks.txt and finds the block of a code point', () => {
    expect(blocks).toHaveLength(7);
    expect(blocks[6]).toEqual({ first: 0x1f600, last: 0x1f64f, name: 'Emoticons' });
    expect(blockOf(blocks, 0x2192)).toBe('Arrows');
    expect(blockOf(blocks, 0x1f600)).toBe('Emoticons');
    expect(blockOf(blocks, 0x2200)).toBeNull();
  });

  it('takes symbols of no script in a listed block, and nothing else', () => {
    const { groupOf } = symbolRecipe(blocks);
    expect(groupOf(0x2192)).toBe('Arrows'); // →
    expect(groupOf(0x2702)).toBe('Dingbats'); // ✂
    expect(groupOf(0x1f600)).toBe('Emoticons'); // 😀
    expect(groupOf(0x24)).toBe('Basic Latin'); // $
    expect(groupOf(0x41)).toBeNull(); // A: a letter
    expect(groupOf(0x5e)).toBeNull(); // ^: a modifier symbol
    expect(groupOf(0x2122)).toBeNull(); // ™: NFKC is "TM"
    expect(groupOf(0x0bf3)).toBeNull(); // ௳: Tamil's own sign
    expect(groupOf(0x2500)).toBeNull(); // ─: box drawing
    expect(groupOf(0xd800)).toBeNull();
  });

  it('lists every block in at most one split', () => {
    const all = [...SPLIT_BLOCKS.train, ...SPLIT_BLOCKS.validation, ...SPLIT_BLOCKS.test];
    expect(new Set(all).size).toBe(all.length);
    for (const s of ['train', 'validation', 'test'] as const) expect(SPLIT_BLOCKS[s].length).toBeGreaterThan(0);
  });
});
