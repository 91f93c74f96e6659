import type { GlyphIndex } from '../../src/data/glyph-index';
import { encodeGrayPng } from './png';

export const SHEET_SCRIPTS = ['Latin', 'Greek', 'Cyrillic', 'Arabic', 'Devanagari', 'Thai', 'Armenian', 'Canadian_Aboriginal', 'Ethiopic', 'Georgian', 'Hebrew', 'Khmer', 'Tamil', 'Runic'];

/** A PNG grid: per script, `perScript` evenly spaced classes, one row each with all their instances (ink white on black). */
export function contactSheet(pixels: Uint8Array, index: GlyphIndex, scripts = SHEET_SCRIPTS, perScript = 2): Buffer {
  const s = index.size;
  const rows = scripts.flatMap((script) => {
    const cls = index.classes.filter((c) => c.script === script);
    return Array.from({ length: Math.min(perScript, cls.length) }, (_, k) => cls[Math.floor((k * cls.length) / perScript)]!);
  });
  return gridSheet(pixels, s, rows);
}

/** A PNG grid of rows of consecutive images (ink white on black, mid-grey frame), as wide as the longest row. */
export function gridSheet(pixels: Uint8Array, s: number, rows: readonly { offset: number; count: number }[]): Buffer {
  const gap = 2;
  const cols = Math.max(...rows.map((c) => c.count));
  const width = cols * (s + gap) + gap;
  const height = rows.length * (s + gap) + gap;
  // Mid-grey frame so the black cells' edges are visible.
  const img = new Uint8Array(width * height).fill(96);
  rows.forEach((c, r) => {
    for (let i = 0; i < c.count; i++) {
      const src = (c.offset + i) * s * s;
      const x0 = gap + i * (s + gap);
      const y0 = gap + r * (s + gap);
      for (let y = 0; y < s; y++) img.set(pixels.subarray(src + y * s, src + (y + 1) * s), (y0 + y) * width + x0);
    }
  });
  return encodeGrayPng(img, width, height);
}
