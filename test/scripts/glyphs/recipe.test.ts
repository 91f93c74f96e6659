import { describe, expect, it } from 'vitest';
import { ALL_SCRIPTS, SPLIT_SCRIPTS, candidateScript, designOf, isExcludedFace, splitOfScript, styleRank } from '../../../scripts/glyphs/recipe';

describe('glyph recipe rules', () => {
  it('assigns 33 scripts to exactly one split each', () => {
    expect(ALL_SCRIPTS).toHaveLength(33);
    expect(new Set(ALL_SCRIPTS).size).toBe(33);
    expect(SPLIT_SCRIPTS.test).toEqual(['Ethiopic', 'Georgian', 'Khmer', 'Cherokee', 'Runic', 'Tamil', 'Hebrew', 'Miao']);
    expect(splitOfScript('Gothic')).toBe('validation');
    expect(() => splitOfScript('Han')).toThrow(/no split/);
  });

  it('keeps letters that are their own NFKC and NFD forms, Latin A–Z a–z and Mkhedruli only', () => {
    expect(candidateScript('A'.codePointAt(0)!)).toBe('Latin');
    expect(candidateScript('é'.codePointAt(0)!)).toBeNull(); // Latin beyond A–Z, and NFD differs
    expect(candidateScript('ά'.codePointAt(0)!)).toBeNull(); // NFD differs
    expect(candidateScript('α'.codePointAt(0)!)).toBe('Greek');
    expect(candidateScript(0xfb01)).toBeNull(); // ﬁ ligature: NFKC differs
    expect(candidateScript('5'.codePointAt(0)!)).toBeNull(); // not a letter
    expect(candidateScript(0x10d0)).toBe('Georgian');
    expect(candidateScript(0x10a0)).toBeNull(); // Asomtavruli
    expect(candidateScript(0x05d0)).toBe('Hebrew');
    expect(candidateScript(0x4e00)).toBeNull(); // Han is in no split
    expect(candidateScript(0x110000)).toBeNull();
  });

  it('groups faces into designs and drops keyboard, initials and stylised faces by name', () => {
    expect(designOf('Noto Sans Kannada UI')).toBe(designOf('Noto Sans Kannada'));
    expect(designOf('DejaVu Sans Condensed')).toBe('dejavu sans');
    expect(designOf('DejaVu Sans Mono')).not.toBe('dejavu sans');
    expect(isExcludedFace('Linux Biolinum Keyboard O', 'Linux Biolinum Keyboard O')).toBe(true);
    expect(isExcludedFace('Linux Libertine Initials O', 'Linux Libertine Initials O')).toBe(true);
    expect(isExcludedFace('KacstPoster', 'KacstPoster')).toBe(true);
    expect(isExcludedFace('KacstBook', 'KacstBook')).toBe(false);
    expect(isExcludedFace('BPG DedaEna Block GPL&GNU', 'BPG DedaEna Block GPL&GNU')).toBe(true);
    expect(isExcludedFace('BPG Nateli Caps GPL&GNU', 'BPG Nateli Caps GPL&GNU')).toBe(true);
    expect(isExcludedFace('BPG Nateli GPL&GNU', 'BPG Nateli GPL&GNU')).toBe(false);
    expect(styleRank('Regular', 'DejaVu Sans')).toBe(0);
    expect(styleRank('Bold', 'DejaVu Sans Bold')).toBe(1);
  });
});
