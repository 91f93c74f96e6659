import { createRng } from '../../src/util/random';
import type { Stroke } from '../../browser/index';

export type ShapeName = 'circle' | 'bar' | 'cross' | 'vee' | 'square';

/** Strokes of a hand-drawn-looking shape in unit coordinates ([0,1]², y down), jittered by `seed`. */
export function shape(name: ShapeName, seed: number): Stroke[] {
  const rng = createRng(seed);
  const j = (a: number): number => (rng.next() - 0.5) * 2 * a;
  const tilt = j(0.12);
  const cx = 0.5 + j(0.06);
  const cy = 0.5 + j(0.06);
  const size = 0.3 + j(0.05);
  const rot = (x: number, y: number): { x: number; y: number } => ({
    x: cx + (x * Math.cos(tilt) - y * Math.sin(tilt)) * size + j(0.005),
    y: cy + (x * Math.sin(tilt) + y * Math.cos(tilt)) * size + j(0.005),
  });
  const line = (x0: number, y0: number, x1: number, y1: number, n = 10): { x: number; y: number }[] =>
    Array.from({ length: n + 1 }, (_, i) => rot(x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n));
  switch (name) {
    case 'circle':
      return [Array.from({ length: 29 }, (_, i) => rot(Math.cos((i / 28) * 2 * Math.PI) * (1 + j(0.04)), Math.sin((i / 28) * 2 * Math.PI) * (1 + j(0.04))))];
    case 'bar':
      return [line(0, -1, 0, 1)];
    case 'cross':
      return [line(-1, -1, 1, 1), line(1, -1, -1, 1)];
    case 'vee':
      return [[...line(-0.8, -1, 0, 1), ...line(0, 1, 0.8, -1).slice(1)]];
    case 'square':
      return [[...line(-1, -1, 1, -1), ...line(1, -1, 1, 1).slice(1), ...line(1, 1, -1, 1).slice(1), ...line(-1, 1, -1, -1).slice(1)]];
  }
}

/** Scales unit strokes into a box (e.g. the pad's client rect). */
export function toBox(strokes: Stroke[], box: { x: number; y: number; width: number; height: number }): Stroke[] {
  return strokes.map((s) => s.map((p) => ({ x: box.x + p.x * box.width, y: box.y + p.y * box.height })));
}
