// Seeded linear-head problems shaped like real support sets (class clusters in embedding space),
// shared by the fused kernel's tests in both runtimes and by bench/fused.ts.
import { createRng } from '../../src/util/random';
import type { LinearHeadProblem } from '../../src/engine/linear-head-kernel';

export interface ProblemSpec {
  loss: LinearHeadProblem['loss'];
  n: number;
  d: number;
  k: number;
  init: LinearHeadProblem['init'];
  steps: number;
  lr: number;
  /** Per-parameter lrs drawn uniformly from [0.5·lr, 1.5·lr] instead of the scalar. */
  perParam?: boolean;
}

/** A reproducible problem: embeddings of norm ~1 around k class centres, small random initial head. */
export function syntheticProblem(spec: ProblemSpec, seed: number): LinearHeadProblem {
  const rng = createRng(seed);
  const { n, d, k } = spec;
  const scale = 1 / Math.sqrt(d);
  const centres = Float32Array.from({ length: k * d }, () => rng.normal() * scale);
  // Every class appears (round-robin), as the engine guarantees for prototype init.
  const labels = Int32Array.from({ length: n }, (_, i) => i % k);
  const x = Float32Array.from({ length: n * d }, (_, e) => centres[labels[Math.floor(e / d)]! * d + (e % d)]! + 0.5 * rng.normal() * scale);
  const targets = Float32Array.from({ length: n * k }, () => rng.normal());
  const w0 = Float32Array.from({ length: d * k }, () => 0.1 * rng.normal());
  const b0 = Float32Array.from({ length: k }, () => 0.1 * rng.normal());
  const around = (len: number): Float32Array => Float32Array.from({ length: len }, () => spec.lr * (0.5 + rng.next()));
  const lr = spec.perParam ? { w: around(d * k), b: around(k) } : spec.lr;
  const base = { n, d, k, x, init: spec.init, steps: spec.steps, lr };
  const head = spec.init === 'learned' ? { w0, b0 } : {};
  return spec.loss === 'mse' ? { ...base, ...head, loss: 'mse', targets } : { ...base, ...head, loss: 'softmax-ce', labels };
}

/** max_i |a_i - b_i| / max(1, |b_i|): absolute error near zero, relative error for large values. */
export function maxScaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return Number.isNaN(worst) ? Number.POSITIVE_INFINITY : worst;
}

/**
 * (n, d, k) shapes the kernel's tests cover in every runtime: the standard case, d not a multiple
 * of 4, k = 1, and k = 4m + r.
 */
export const TEST_SHAPES: ReadonlyArray<readonly [number, number, number]> = [
  [25, 64, 5],
  [7, 10, 3],
  [13, 33, 1],
  [30, 17, 8],
];
