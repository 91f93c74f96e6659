import type { IconIndex } from '../../src/data/glyph-index';
import { gridSheet } from '../glyphs/contact-sheet';

/** A PNG grid: `rows` classes evenly spaced through the index (so every context shows), all instances per row. */
export function iconContactSheet(pixels: Uint8Array, index: IconIndex, rows = 40): Buffer {
  const n = index.classes.length;
  const picked = Array.from({ length: Math.min(rows, n) }, (_, k) => index.classes[Math.floor((k * n) / Math.min(rows, n))]!);
  return gridSheet(pixels, index.size, picked);
}
