/** A pen stroke as points in any pixel space (CSS pixels of the drawing canvas, say). */
export type Stroke = readonly { x: number; y: number }[];

export interface RasterizeOptions {
  /** Output side in pixels (default 28). */
  size?: number;
  /** Empty border kept around the ink, in output pixels (default 2, as the glyph dataset). */
  margin?: number;
  /** Pen width in output pixels: fixed after fitting, so big and small drawings look alike (default 2.5). */
  penWidth?: number;
}

// The glyph rasteriser (scripts/glyphs/rasterize.ts) averages 4×4 samples at their centres; so do we.
const SUPERSAMPLE = 4;

function distanceSq(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len));
  const ex = px - (ax + t * dx);
  const ey = py - (ay + t * dy);
  return ex * ex + ey * ey;
}

/**
 * Renders strokes the way the glyph dataset renders outlines: the ink's bounding box is scaled
 * uniformly into size − 2·margin, centred, and covered with a round pen; each pixel is the fraction
 * of its 4×4 samples under ink, quantised to u8 and back. Row-major, ink = 1, background = 0.
 * Returns null when there is no point at all.
 */
export function rasterizeStrokes(strokes: readonly Stroke[], options: RasterizeOptions = {}): Float32Array | null {
  const size = options.size ?? 28;
  const margin = options.margin ?? 2;
  const pen = options.penWidth ?? 2.5;
  const points = strokes.flat();
  if (points.length === 0) return null;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const w = Math.max(...xs) - minX;
  const h = Math.max(...ys) - minY;
  // The pen's own width is part of the ink box, so the centre line gets the inner box minus one pen.
  const inner = size - 2 * margin - pen;
  const s = Math.max(w, h) > 0 ? inner / Math.max(w, h) : 1;
  const ox = margin + pen / 2 + (inner - w * s) / 2;
  const oy = margin + pen / 2 + (inner - h * s) / 2;
  const n = size * SUPERSAMPLE;
  const hit = new Uint8Array(n * n);
  const r = pen / 2;
  for (const stroke of strokes) {
    const pts = stroke.map((p) => [ox + (p.x - minX) * s, oy + (p.y - minY) * s] as const);
    for (let i = 0; i < pts.length; i++) {
      const [ax, ay] = pts[i]!;
      const [bx, by] = pts[Math.min(i + 1, pts.length - 1)]!;
      // Only the samples near this segment can be inked by it.
      const c0 = Math.max(0, Math.floor((Math.min(ax, bx) - r) * SUPERSAMPLE));
      const c1 = Math.min(n - 1, Math.ceil((Math.max(ax, bx) + r) * SUPERSAMPLE));
      const r0 = Math.max(0, Math.floor((Math.min(ay, by) - r) * SUPERSAMPLE));
      const r1 = Math.min(n - 1, Math.ceil((Math.max(ay, by) + r) * SUPERSAMPLE));
      for (let row = r0; row <= r1; row++) {
        const sy = (row + 0.5) / SUPERSAMPLE;
        for (let col = c0; col <= c1; col++) {
          if (hit[row * n + col]) continue;
          if (distanceSq((col + 0.5) / SUPERSAMPLE, sy, ax, ay, bx, by) <= r * r) hit[row * n + col] = 1;
        }
      }
    }
  }
  const out = new Float32Array(size * size);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (hit[row * n + col]) out[((row / SUPERSAMPLE) | 0) * size + ((col / SUPERSAMPLE) | 0)]! += 1;
    }
  }
  const total = SUPERSAMPLE * SUPERSAMPLE;
  for (let i = 0; i < out.length; i++) out[i] = Math.round((out[i]! / total) * 255) / 255;
  return out;
}
