import { describe, expect, it } from 'vitest';
import { OPAQUE_FLOOR, alphaBox, iconToGray } from '../../../scripts/icons/to-gray';
import type { Rgba } from '../../../scripts/icons/to-gray';

/** A w×h transparent canvas with filled rectangles [x0, y0, x1, y1) of one RGBA colour each. */
function canvas(w: number, h: number, rects: [number, number, number, number, [number, number, number, number]][]): Rgba {
  const data = new Uint8Array(w * h * 4);
  for (const [x0, y0, x1, y1, c] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data.set(c, (y * w + x) * 4);
  return { data, width: w, height: h };
}

const BLACK: [number, number, number, number] = [0, 0, 0, 255];
const WHITE: [number, number, number, number] = [255, 255, 255, 255];

describe('iconToGray', () => {
  it('fits the opaque bounding box into the centred 24×24 square, object 255 on 0', () => {
    // A 12×12 black square off-centre in a 48×48 icon fills rows/columns 2..25 entirely.
    const img = iconToGray(canvas(48, 48, [[30, 5, 42, 17, BLACK]]))!;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const inside = x >= 2 && x < 26 && y >= 2 && y < 26;
        expect(img[y * 28 + x], `${x},${y}`).toBe(inside ? 255 : 0);
      }
    }
  });

  it('keeps a light filled shape visible and its dark outline brighter (opaque floor + darkness)', () => {
    // White 24×24 tile with a 2 px black frame.
    const img = iconToGray(canvas(24, 24, [[0, 0, 24, 24, BLACK], [2, 2, 22, 22, WHITE]]))!;
    expect(img[2 * 28 + 2]).toBe(255); // frame
    expect(img[14 * 28 + 14]).toBe(Math.round(OPAQUE_FLOOR * 255)); // white interior: the floor, not 0
  });

  it('keeps a wide icon centred vertically and ignores faint shadow pixels for the box', () => {
    const img = iconToGray(canvas(48, 48, [[0, 40, 48, 48, [0, 0, 0, 20]], [0, 10, 48, 22, BLACK]]))!;
    // 48×12 → 24×6, rows 11..16.
    const rowInk = Array.from({ length: 28 }, (_, y) => img.subarray(y * 28, y * 28 + 28).reduce((a, b) => a + b, 0));
    expect(rowInk.map((v, y) => (v > 0 ? y : -1)).filter((y) => y >= 0)).toEqual([11, 12, 13, 14, 15, 16]);
    expect(alphaBox(canvas(4, 4, [[1, 1, 3, 2, [0, 0, 0, 20]]]))).toBeNull();
  });

  it('returns null for a fully transparent icon and is deterministic', () => {
    expect(iconToGray(canvas(16, 16, []))).toBeNull();
    const c = canvas(37, 29, [[3, 4, 30, 20, [200, 30, 90, 255]], [10, 8, 14, 25, [10, 10, 10, 128]]]);
    expect(Array.from(iconToGray(c)!)).toEqual(Array.from(iconToGray(c)!));
  });
});
