import type { Rng } from '../util/random';

/**
 * A drawing style: how one person's pen and hand differ from the font rendering — a pen width and an
 * affine slant/rotation/size/offset. Applied to a whole episode it is a per-user style; drawn anew
 * for each image it is per-image variation.
 */
export interface Style {
  /** Rotation in radians (positive = counter-clockwise). */
  rotate: number;
  /** Horizontal shear (x += shear·y, about the centre): a slant. */
  shear: number;
  /** Isotropic scale about the centre. */
  scale: number;
  /** Translation in pixels. */
  dx: number;
  dy: number;
  /** Pen width: −1 thinner (erosion), 0 as rendered, 1 or 2 thicker (dilations). */
  width: -1 | 0 | 1 | 2;
}

export const PLAIN_STYLE: Style = { rotate: 0, shear: 0, scale: 1, dx: 0, dy: 0, width: 0 };

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();

/** A random style (the ranges a hand-drawn symbol plausibly takes on a phone: ±20°, slant ±0.3, 80–115 %, ±2 px). */
export function sampleStyle(rng: Rng): Style {
  const widths: Style['width'][] = [-1, 0, 1, 1, 2];
  return {
    rotate: uniform(rng, -20, 20) * (Math.PI / 180),
    shear: uniform(rng, -0.3, 0.3),
    scale: uniform(rng, 0.8, 1.15),
    dx: uniform(rng, -2, 2),
    dy: uniform(rng, -2, 2),
    width: widths[rng.int(widths.length)]!,
  };
}

/** Bilinear sample of a size×size image at (x, y); outside is background (0). */
function sample(src: Float32Array, size: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number): number => (xx < 0 || yy < 0 || xx >= size || yy >= size ? 0 : src[yy * size + xx]!);
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

/** Grayscale morphology with the 4-neighbour cross: max (thicker) or min (thinner). */
function morph(src: Float32Array, size: number, dilate: boolean, out: Float32Array): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = src[y * size + x]!;
      for (const [ox, oy] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
        const xx = x + ox;
        const yy = y + oy;
        const n = xx < 0 || yy < 0 || xx >= size || yy >= size ? 0 : src[yy * size + xx]!;
        v = dilate ? Math.max(v, n) : Math.min(v, n);
      }
      out[y * size + x] = v;
    }
  }
}

/**
 * Draws `src` (size×size, ink = 1) in a style into out[at…]: the inverse affine map sampled
 * bilinearly about the image centre, then the pen width. Deterministic for a given style.
 */
export function applyStyle(src: Float32Array, size: number, style: Style, out: Float32Array, at: number): void {
  const c = (size - 1) / 2;
  const cos = Math.cos(style.rotate);
  const sin = Math.sin(style.rotate);
  // Forward map: p' = S·Sh·R·(p − c) + c + d. Inverse per output pixel: R⁻¹·Sh⁻¹·S⁻¹.
  let img = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let u = (x - c - style.dx) / style.scale;
      const v = (y - c - style.dy) / style.scale;
      u -= style.shear * v;
      img[y * size + x] = sample(src, size, cos * u - sin * v + c, sin * u + cos * v + c);
    }
  }
  const passes = Math.abs(style.width);
  let tmp = new Float32Array(size * size);
  for (let i = 0; i < passes; i++) {
    morph(img, size, style.width > 0, tmp);
    [img, tmp] = [tmp, img];
  }
  out.set(img, at);
}
