import { describe, expect, it } from 'vitest';
import type { PathCommand } from 'fontkit';
import { flattenPath, rasterizeContours, rasterizeOutline } from '../../../scripts/glyphs/rasterize';

/** A square as fontkit path commands; clockwise when cw, else counter-clockwise. */
function square(x0: number, y0: number, x1: number, y1: number, cw: boolean): PathCommand[] {
  const pts = cw ? [[x0, y0], [x0, y1], [x1, y1], [x1, y0]] : [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  return [
    { command: 'moveTo', args: pts[0]! },
    ...pts.slice(1).map((p) => ({ command: 'lineTo' as const, args: p })),
    { command: 'closePath', args: [] },
  ];
}

/** Every pixel of a size×size u8 image whose value differs from expect(x, y). */
function mismatches(img: Uint8Array, size: number, expect: (x: number, y: number) => number): string[] {
  const bad: string[] = [];
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (img[y * size + x] !== expect(x, y)) bad.push(`${x},${y}=${img[y * size + x]}`);
  return bad;
}

describe('rasterizer', () => {
  it('covers a pixel-space square with fractional edges exactly (4×4 samples at 1/8, 3/8, 5/8, 7/8)', () => {
    // Square [1.5, 3.25] × [1.5, 3.25]: per axis, pixel 1 holds 2 of 4 sample centres (1.625, 1.875),
    // pixel 2 all 4, pixel 3 one (3.125); coverage is the product of the two axis fractions.
    const cover = rasterizeContours(flattenPath(square(1.5, 1.5, 3.25, 3.25, false)), 5);
    const axis = [0, 2 / 4, 4 / 4, 1 / 4, 0];
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) expect(cover[y * 5 + x]).toBe(axis[x]! * axis[y]!);
    expect(cover[1 * 5 + 1]).toBe(0.25);
    expect(cover[1 * 5 + 3]).toBe(0.125);
    expect(cover[3 * 5 + 3]).toBe(0.0625);
  });

  it('fits a square outline into 28×28 with a 2 px margin: 255 inside [2, 26), 0 outside', () => {
    const img = rasterizeOutline(flattenPath(square(100, -50, 700, 550, false)))!;
    const inside = (v: number): boolean => v >= 2 && v < 26;
    expect(mismatches(img, 28, (x, y) => (inside(x) && inside(y) ? 255 : 0))).toEqual([]);
  });

  it('keeps the aspect ratio and centres: a 2:1 rectangle fills rows [8, 20)', () => {
    const img = rasterizeOutline(flattenPath(square(0, 0, 48, 24, true)))!;
    expect(mismatches(img, 28, (x, y) => (x >= 2 && x < 26 && y >= 8 && y < 20 ? 255 : 0))).toEqual([]);
  });

  it('leaves the hole of a ring empty when the inner contour winds the other way', () => {
    const ring = flattenPath([...square(0, 0, 24, 24, false), ...square(8, 8, 16, 16, true)]);
    const img = rasterizeOutline(ring)!;
    // Scale 1 and offset 2: the outer square covers pixels [2, 26), the hole [10, 18).
    const inRange = (v: number, a: number, b: number): boolean => v >= a && v < b;
    const expected = (x: number, y: number): number =>
      inRange(x, 2, 26) && inRange(y, 2, 26) && !(inRange(x, 10, 18) && inRange(y, 10, 18)) ? 255 : 0;
    expect(mismatches(img, 28, expected)).toEqual([]);
  });

  it('fills the hole under the nonzero rule when both contours wind the same way', () => {
    const doubled = flattenPath([...square(0, 0, 24, 24, false), ...square(8, 8, 16, 16, false)]);
    const img = rasterizeOutline(doubled)!;
    expect(mismatches(img, 28, (x, y) => (x >= 2 && x < 26 && y >= 2 && y < 26 ? 255 : 0))).toEqual([]);
  });

  it('flattens curves through their end points and returns null for an outline without extent', () => {
    const curve = flattenPath([
      { command: 'moveTo', args: [0, 0] },
      { command: 'quadraticCurveTo', args: [5, 10, 10, 0] },
      { command: 'bezierCurveTo', args: [10, -5, 0, -5, 0, 0] },
      { command: 'closePath', args: [] },
    ]);
    expect(curve).toHaveLength(1);
    expect(curve[0]!.length).toBe(2 * (1 + 8 + 12));
    expect(curve[0]!.slice(16, 18)).toEqual([10, 0]);
    // Point 4 of the quadratic is t = 1/2, its apex: y = 2·(1/2)·(1/2)·10 = 5.
    expect(curve[0]![9]).toBeCloseTo(5, 12);
    expect(rasterizeOutline([])).toBeNull();
  });
});
