// Seeded late-block problems shaped like real ones (a relu'd, pooled prefix output with class
// structure; a meta-trained-looking block), shared by the late-block kernel's tests in both
// runtimes and by bench/late-block.ts.
import { createRng } from '../../src/util/random';
import { initialParams, lateForward } from './late-block-reference';
import { maxScaledError } from './synthetic';
import type { InnerOptimizer } from '../../src/spec/model-spec';
import type { LateBlockProblem, LateBlockSolution } from '../../src/engine/late-block-kernel';

export interface LateSpec {
  n: number;
  h: number;
  w: number;
  cin: number;
  co: number;
  /** Square kernel size. */
  ks: number;
  padding: 'same' | 'valid' | number;
  pool: number;
  k: number;
  steps: number;
  lr: number;
  optimizer: InnerOptimizer;
  /** Per-parameter lrs drawn uniformly from [0.5·lr, 1.5·lr] instead of the scalar. */
  perParam?: boolean;
  /**
   * Batch-norm statistics centred on the conv output, so most channels are on at every example's
   * pool maximum. Such a channel's bias and β have a gradient that is zero by symmetry (they shift
   * every feature alike, which proto-ce ignores); Adam scales the float32 rounding noise left in it up
   * to a step of ~lr in any float32 implementation. Without it the statistics sit above the mean, so
   * every channel is off at some example's maximum (β is lowered where one is not), so every
   * gradient carries signal.
   */
  symmetric?: boolean;
}

/** tfjs's zero padding at stride 1 for a layer's `padding` ('same': ⌊(k−1)/2⌋ before, the rest after). */
export function padOf(padding: LateSpec['padding'], kh: number, kw: number): LateBlockProblem['pad'] {
  if (padding === 'valid') return { top: 0, bottom: 0, left: 0, right: 0 };
  if (typeof padding === 'number') return { top: padding, bottom: padding, left: padding, right: padding };
  const [top, left] = [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)];
  return { top, bottom: kh - 1 - top, left, right: kw - 1 - left };
}

/**
 * A reproducible problem: every class appears (round-robin labels), z ≥ 0 with about half zeros
 * around weak per-class patterns (the loss stays well above zero for 10 steps), He-initialised
 * kernel, batch-norm statistics that leave the relu off for about two thirds of the conv outputs.
 */
export function syntheticLateProblem(spec: LateSpec, seed: number): LateBlockProblem {
  const rng = createRng(seed);
  const { n, h, w, cin, co, ks, k } = spec;
  const cell = h * w * cin;
  const centres = Array.from({ length: k }, () => Float32Array.from({ length: cell }, () => rng.normal()));
  const labels = Int32Array.from({ length: n }, (_, i) => i % k);
  const z = new Float32Array(n * cell);
  for (let i = 0; i < n; i++) for (let e = 0; e < cell; e++) z[i * cell + e] = Math.max(0, 0.3 * centres[labels[i]!]![e]! + rng.normal());
  const kernel = Float32Array.from({ length: ks * ks * cin * co }, () => rng.normal() * Math.sqrt(2 / (ks * ks * cin)));
  const vec = (f: () => number): Float32Array => Float32Array.from({ length: co }, f);
  const lrs = (len: number): Float32Array => Float32Array.from({ length: len }, () => spec.lr * (0.5 + rng.next()));
  const p: LateBlockProblem = {
    n,
    h,
    w,
    cin,
    z,
    k,
    labels,
    kh: ks,
    kw: ks,
    co,
    kernel,
    bias: vec(() => 0.05 * rng.normal()),
    pad: padOf(spec.padding, ks, ks),
    gamma: vec(() => 0.8 + 0.4 * rng.next()),
    beta: vec(() => 0.1 * rng.normal()),
    movingMean: vec(() => spec.symmetric ? 0.3 * rng.normal() : 0.6 * spec.pool + 0.2 * rng.normal()),
    movingVariance: vec(() => 0.5 + rng.next()),
    epsilon: 1e-3,
    pool: spec.pool,
    steps: spec.steps,
    optimizer: spec.optimizer,
    lr: spec.perParam ? { kernel: lrs(kernel.length), bias: lrs(co), gamma: lrs(co), beta: lrs(co) } : spec.lr,
  };
  if (!spec.symmetric) switchOffSomewhere(p);
  return p;
}

/** Lowers β of every channel that is on at every pool maximum until its weakest maximum is off. */
function switchOffSomewhere(p: LateBlockProblem): void {
  const fw = lateForward(p, initialParams(p));
  for (let c = 0; c < p.co; c++) {
    let weakest = Number.POSITIVE_INFINITY;
    let allOn = true;
    for (let e = c; e < fw.f.length; e += p.co) {
      allOn &&= fw.on[e] === 1;
      weakest = Math.min(weakest, fw.f[e]!);
    }
    if (allOn) p.beta[c] = p.beta[c]! - 1.5 * weakest;
  }
}

/**
 * Shapes the late-block tests cover in every runtime: the default glyphs model's last block
 * (3×3×32 → 32, 'same', pool 2: only the top-left 2×2 conv outputs count), channels not a multiple
 * of 4 or 16, 'valid' and integer padding, a pool of 3 and several windows.
 */
export const LATE_SHAPES: ReadonlyArray<Omit<LateSpec, 'steps' | 'lr' | 'optimizer' | 'perParam'>> = [
  { n: 25, h: 3, w: 3, cin: 32, co: 32, ks: 3, padding: 'same', pool: 2, k: 5 },
  { n: 12, h: 6, w: 5, cin: 5, co: 7, ks: 3, padding: 'same', pool: 2, k: 3 },
  { n: 9, h: 7, w: 7, cin: 3, co: 20, ks: 3, padding: 'valid', pool: 2, k: 2 },
  { n: 40, h: 6, w: 7, cin: 4, co: 18, ks: 2, padding: 'same', pool: 3, k: 20 },
  { n: 8, h: 4, w: 4, cin: 2, co: 5, ks: 3, padding: 1, pool: 2, k: 4 },
  // A 1×1 pool (every position a feature, as the opt-in v6 glyphs model's last block): the forward
  // pairs neighbouring windows, so an odd row width and a channel remainder are here too.
  { n: 25, h: 3, w: 3, cin: 32, co: 32, ks: 3, padding: 'same', pool: 1, k: 5 },
  { n: 10, h: 5, w: 5, cin: 3, co: 20, ks: 3, padding: 'valid', pool: 1, k: 3 },
];

/** Worst scaled error (max |a−b| / max(1,|b|)) over the four adapted params, the adapted features and both losses. */
export function lateError(a: LateBlockSolution, b: LateBlockSolution): number {
  const params = (['kernel', 'bias', 'gamma', 'beta', 'features'] as const).map((n) => maxScaledError(a[n], b[n]));
  return Math.max(...params, maxScaledError([a.lossBefore, a.lossAfter], [b.lossBefore, b.lossAfter]));
}
