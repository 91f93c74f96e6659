import { createRng } from '../../src/util/random';
import type { Rng } from '../../src/util/random';
import type { Affine, RasterOptions } from './rasterize';

/** One random variation of an outline: rotation and shear before fitting, scale and shift after. */
export interface Variation {
  rotateDeg: number;
  shear: number;
  scaleX: number;
  scaleY: number;
  shiftX: number;
  shiftY: number;
}

// Ranges small enough that a glyph stays the same character (no 90° turns, no mirror images).
const MAX_ROTATE_DEG = 12;
const MAX_SHEAR = 0.25;
const MIN_SCALE = 0.8;
const MAX_SHIFT_PX = 1.5;

/** Draws a variation; consumes exactly six numbers from rng, in a fixed order. */
export function randomVariation(rng: Rng): Variation {
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * rng.next();
  return {
    rotateDeg: uniform(-MAX_ROTATE_DEG, MAX_ROTATE_DEG),
    shear: uniform(-MAX_SHEAR, MAX_SHEAR),
    scaleX: uniform(MIN_SCALE, 1),
    scaleY: uniform(MIN_SCALE, 1),
    shiftX: uniform(-MAX_SHIFT_PX, MAX_SHIFT_PX),
    shiftY: uniform(-MAX_SHIFT_PX, MAX_SHIFT_PX),
  };
}

/** Turns a variation into the rasterizer's pre (outline units) and post (pixel units) maps. */
export function variationToRaster(v: Variation, size = 28): Pick<RasterOptions, 'pre' | 'post'> {
  const r = (v.rotateDeg * Math.PI) / 180;
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  // Rotation after a horizontal shear [1 k; 0 1].
  const pre: Affine = [cos, cos * v.shear - sin, sin, sin * v.shear + cos, 0, 0];
  // A scale < 1 about the centre frees room, so the shift never pushes ink past the 2 px margin.
  const c = size / 2;
  const post: Affine = [v.scaleX, 0, 0, v.scaleY, c - c * v.scaleX + v.shiftX, c - c * v.scaleY + v.shiftY];
  return { pre, post };
}

/** Derives a per-class seed so a class's variations do not depend on the other classes. */
export function classSeed(seed: number, codePoint: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(codePoint + 1, 0x9e3779b1)) >>> 0;
}

/** Plans the variations that fill a class up to `total`: sources round-robin over its instances, seeded per class. */
export function planVariations<S>(sources: readonly S[], codePoint: number, seed: number, total: number): { source: S; raster: Pick<RasterOptions, 'pre' | 'post'> }[] {
  const rng = createRng(classSeed(seed, codePoint));
  const plan: { source: S; raster: Pick<RasterOptions, 'pre' | 'post'> }[] = [];
  for (let k = 0; sources.length > 0 && sources.length + k < total; k++) {
    plan.push({ source: sources[k % sources.length]!, raster: variationToRaster(randomVariation(rng)) });
  }
  return plan;
}
