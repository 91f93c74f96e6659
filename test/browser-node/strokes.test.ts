import { describe, expect, it } from 'vitest';
import { rasterizeStrokes } from '../../browser/strokes';
import { shape } from '../browser/shapes';
import type { Stroke } from '../../browser/strokes';

const at = (img: Float32Array, r: number, c: number): number => img[r * 28 + c]!;
const rowInk = (img: Float32Array, r: number): number => Array.from({ length: 28 }, (_, c) => at(img, r, c)).reduce((a, b) => a + b, 0);
const colInk = (img: Float32Array, c: number): number => Array.from({ length: 28 }, (_, r) => at(img, r, c)).reduce((a, b) => a + b, 0);
const inkRows = (img: Float32Array): number[] => Array.from({ length: 28 }, (_, r) => r).filter((r) => rowInk(img, r) > 0);
const inkCols = (img: Float32Array): number[] => Array.from({ length: 28 }, (_, c) => c).filter((c) => colInk(img, c) > 0);
const line = (x0: number, y0: number, x1: number, y1: number): Stroke => Array.from({ length: 11 }, (_, i) => ({ x: x0 + ((x1 - x0) * i) / 10, y: y0 + ((y1 - y0) * i) / 10 }));

describe('rasterizeStrokes (the demo draws like the glyph dataset)', () => {
  it('returns null for no ink', () => {
    expect(rasterizeStrokes([])).toBeNull();
    expect(rasterizeStrokes([[]])).toBeNull();
  });

  it('gives 784 u8-quantised values in [0,1], ink = 1, and leaves the 2px margin empty', () => {
    const img = rasterizeStrokes(shape('cross', 3))!;
    expect(img.length).toBe(784);
    for (const v of img) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-4);
    }
    expect(Math.max(...img)).toBe(1);
    for (const i of [0, 1, 26, 27]) {
      expect(rowInk(img, i)).toBe(0);
      expect(colInk(img, i)).toBe(0);
    }
  });

  it('scales the long side of the ink box to fill 28 − 2·margin, keeping the aspect ratio and centring', () => {
    const bar = rasterizeStrokes([line(100, 10, 100, 300)])!; // tall and thin
    expect(inkRows(bar)).toEqual(Array.from({ length: 24 }, (_, i) => i + 2));
    const cols = inkCols(bar);
    expect(cols.length).toBeLessThanOrEqual(4); // still a thin bar, not stretched to a square
    expect((cols[0]! + cols[cols.length - 1]!) / 2).toBeCloseTo(13.5, 5);
    const flat = rasterizeStrokes([line(10, 100, 300, 100)])!;
    expect(inkCols(flat)).toEqual(Array.from({ length: 24 }, (_, i) => i + 2));
  });

  it('is the same picture whatever the size and position of the drawing', () => {
    const unit = shape('circle', 5);
    const big = unit.map((s) => s.map((p) => ({ x: 40 + p.x * 300, y: 7 + p.y * 300 })));
    const small = unit.map((s) => s.map((p) => ({ x: 2 + p.x * 50, y: 90 + p.y * 50 })));
    const a = rasterizeStrokes(big)!;
    const b = rasterizeStrokes(small)!;
    let diff = 0;
    a.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - b[i]!))));
    expect(diff).toBeLessThanOrEqual(1 / 16 + 1e-6); // at most one of 16 samples flips on a boundary
  });

  it('draws a lone tap as a centred dot of the pen width, and a wider pen inks more', () => {
    const dot = rasterizeStrokes([[{ x: 5, y: 5 }]])!;
    const inked = dot.reduce((a, v) => a + v, 0);
    expect(inked).toBeCloseTo(Math.PI * 1.25 ** 2, 0);
    expect(at(dot, 13, 13) + at(dot, 14, 14)).toBeGreaterThan(1.5);
    const thin = rasterizeStrokes(shape('vee', 1), { penWidth: 1.5 })!.reduce((a, v) => a + v, 0);
    const thick = rasterizeStrokes(shape('vee', 1), { penWidth: 3.5 })!.reduce((a, v) => a + v, 0);
    expect(thick).toBeGreaterThan(thin * 1.5);
  });
});
