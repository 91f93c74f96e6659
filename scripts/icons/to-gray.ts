/** An RGBA raster (8 bits per channel, row-major, not premultiplied). */
export interface Rgba {
  data: Uint8Array;
  width: number;
  height: number;
}

export const SIZE = 28;
const MARGIN = 2;
// Opaque pixels count as object at least this much, so a light-coloured filled shape keeps its
// silhouette; darkness adds the interior detail (outlines, shading) on top.
export const OPAQUE_FLOOR = 0.35;
// Soft drop shadows and anti-aliased rims below this alpha do not widen the bounding box.
const BBOX_ALPHA = 0.25;

/** Object strength per pixel: alpha × (floor + (1 − floor) × darkness), darkness = 1 − luma on white. */
export function objectMap(img: Rgba): Float64Array {
  const { data, width, height } = img;
  const out = new Float64Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const a = data[i * 4 + 3]! / 255;
    const luma = (0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!) / 255;
    out[i] = a * (OPAQUE_FLOOR + (1 - OPAQUE_FLOOR) * (1 - luma));
  }
  return out;
}

/** Bounding box [x0, y0, x1, y1) of pixels with alpha ≥ BBOX_ALPHA, or null when there are none. */
export function alphaBox(img: Rgba): [number, number, number, number] | null {
  let x0 = img.width;
  let y0 = img.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[(y * img.width + x) * 4 + 3]! < BBOX_ALPHA * 255) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : [x0, y0, x1 + 1, y1 + 1];
}

/** Weights of source cells [from, to) covering output cell k of n cells spread over [lo, lo + n·step). */
function coverage(lo: number, step: number, n: number, limit: number): { from: number; w: number[] }[] {
  return Array.from({ length: n }, (_, k) => {
    const a = lo + k * step;
    const b = a + step;
    const from = Math.max(0, Math.floor(a));
    const to = Math.min(limit, Math.ceil(b));
    const w: number[] = [];
    for (let s = from; s < to; s++) w.push(Math.max(0, Math.min(b, s + 1) - Math.max(a, s)) / step);
    return { from, w };
  });
}

/**
 * The icon as a 28×28 uint8 image, object = 255 on background 0: its alpha bounding box scaled
 * uniformly into 24×24 (area averaging), centred, then stretched so the strongest pixel is 255.
 * Null when nothing is opaque.
 */
export function iconToGray(img: Rgba): Uint8Array | null {
  const box = alphaBox(img);
  if (!box) return null;
  const v = objectMap(img);
  const [x0, y0, x1, y1] = box;
  const bw = x1 - x0;
  const bh = y1 - y0;
  const inner = SIZE - 2 * MARGIN;
  const scale = inner / Math.max(bw, bh);
  const ow = Math.max(1, Math.round(bw * scale));
  const oh = Math.max(1, Math.round(bh * scale));
  const ox = Math.floor((SIZE - ow) / 2);
  const oy = Math.floor((SIZE - oh) / 2);
  const cx = coverage(x0, bw / ow, ow, img.width);
  const cy = coverage(y0, bh / oh, oh, img.height);
  const out = new Float64Array(SIZE * SIZE);
  let max = 0;
  for (let j = 0; j < oh; j++) {
    for (let i = 0; i < ow; i++) {
      let sum = 0;
      const { from: fy, w: wy } = cy[j]!;
      const { from: fx, w: wx } = cx[i]!;
      for (let a = 0; a < wy.length; a++) {
        const row = (fy + a) * img.width;
        for (let b = 0; b < wx.length; b++) sum += wy[a]! * wx[b]! * v[row + fx + b]!;
      }
      out[(oy + j) * SIZE + ox + i] = sum;
      if (sum > max) max = sum;
    }
  }
  if (max <= 0) return null;
  const bytes = new Uint8Array(SIZE * SIZE);
  for (let p = 0; p < out.length; p++) bytes[p] = Math.round((out[p]! / max) * 255);
  return bytes;
}
