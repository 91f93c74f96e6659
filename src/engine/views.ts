import type { ResolvedSupport } from './validate';

/** The four shifts of one image by `s` pixels: down, up, right, left. */
const SHIFTS = (s: number): [number, number][] => [
  [s, 0],
  [-s, 0],
  [0, s],
  [0, -s],
];

/**
 * Copies image `src` [h, w, c] (row-major, channels last) shifted by (dy, dx) pixels into `dst`;
 * what enters at the edge repeats the edge row or column (a glyph's empty margin stays empty, a
 * photograph's border does not turn black).
 */
function shiftInto(src: Float32Array, dst: Float32Array, h: number, w: number, c: number, dy: number, dx: number): void {
  for (let y = 0; y < h; y++) {
    const sy = Math.min(h - 1, Math.max(0, y - dy));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(w - 1, Math.max(0, x - dx));
      for (let k = 0; k < c; k++) dst[(y * w + x) * c + k] = src[(sy * w + sx) * c + k]!;
    }
  }
}

/**
 * Shifted views of the examples of one-example classes (`defaults.shiftViews`). With one example a
 * class's prototype is that drawing's embedding, and a stroke one pixel over moves it; the mean
 * embedding of the drawing and its four shifts by `shift` pixels is a steadier prototype (measured in
 * docs/results/notes.md). The views are appended as extra rows of the same class after the user's
 * `n` examples, so every path (prototype, steps, guard) sees an ordinary support set; the guard and
 * the head's shot count look only at the first `examples` rows. Classes with two or more examples
 * are left alone: their prototype already averages drawings, and views would multiply the body's
 * work. Returns undefined when no class has a single example (or `shift` is 0).
 */
export function withShiftViews(s: ResolvedSupport, inputShape: number[], shift: number): ResolvedSupport | undefined {
  if (!s.labelIdx || shift <= 0 || inputShape.length !== 3) return undefined;
  const counts = new Map<number, number>();
  for (const c of s.labelIdx) counts.set(c, (counts.get(c) ?? 0) + 1);
  const single = [...s.labelIdx.keys()].filter((i) => counts.get(s.labelIdx![i]!) === 1);
  if (single.length === 0) return undefined;
  const [h, w, c] = inputShape as [number, number, number];
  const size = h * w * c;
  const shifts = SHIFTS(shift);
  const n = s.n + single.length * shifts.length;
  const x = new Float32Array(n * size);
  x.set(s.x);
  const labelIdx = new Int32Array(n);
  labelIdx.set(s.labelIdx);
  let row = s.n;
  for (const i of single) {
    const src = s.x.subarray(i * size, (i + 1) * size);
    for (const [dy, dx] of shifts) {
      shiftInto(src, x.subarray(row * size, (row + 1) * size), h, w, c, dy, dx);
      labelIdx[row++] = s.labelIdx[i]!;
    }
  }
  return { ...s, n, x, labelIdx, examples: s.n };
}

/** The class of each of the user's own examples: the rows before any views (all rows when there are none). */
export function userLabels(s: ResolvedSupport): Int32Array {
  return s.labelIdx!.subarray(0, s.examples ?? s.n);
}
