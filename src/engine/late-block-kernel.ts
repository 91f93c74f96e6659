import type { InnerOptimizer } from '../spec/model-spec';

/**
 * The contract between the engine and a fused late-block step kernel (our SIMD wasm kernel in
 * `wasm/fused/`). Scope 'late' with one block of conv2d → batchNorm → relu → maxPool (then flatten)
 * and nothing between it and the prototype layer: the engine calls the registered kernel for the
 * steps (the guard's fit half included); otherwise, or when none is registered, it runs tfjs autodiff.
 *
 * Semantics (must match the tfjs autodiff path, `lateTail` + `innerLoop`, to ~1e-5):
 *   c  = conv2d(z, kernel, stride 1, zero padding `pad`) + bias          z [n,h,w,cin] NHWC
 *   s  = gamma / √(movingVariance + epsilon);  t = beta − movingMean · s  (stored statistics)
 *   f  = flatten(maxPool_p(relu(c · s + t)))   pool p×p, stride p, valid (floor): f [n, ⌊oh/p⌋·⌊ow/p⌋·co]
 *   proto-ce: p_c = mean of f_i with label c (the current features: the gradient flows through them),
 *             loss = mean_i −log softmax_c(−‖f_i − p_c‖²)[label_i]
 *   each step: every one of kernel, bias, gamma, beta ← θ − lr ⊙ d(∂loss/∂θ), d the optimizer's
 *             direction exactly as src/engine/optimizers.ts ('sgd', 'momentum' 0.9, torch's 'adam')
 *   lossBefore = loss at the given params; lossAfter = loss after `steps` (equal when steps = 0);
 *   features = f of the adapted params, d = ⌊oh/p⌋·⌊ow/p⌋·co in NHWC order.
 * A max-pool tie goes to the first position in row-major order (ties between positive values do not
 * occur on real data; ties at zero carry no gradient through the relu).
 *
 * LateBlockInput is the block and its input (what a forward pass needs); a problem adds the labels
 * and the steps.
 */
export interface LateBlockInput {
  n: number;
  h: number;
  w: number;
  cin: number;
  /** Frozen prefix output [n,h,w,cin], NHWC row-major. */
  z: Float32Array;
  /** Conv kernel [kh,kw,cin,co] and bias [co]. */
  kh: number;
  kw: number;
  co: number;
  kernel: Float32Array;
  bias: Float32Array;
  /** Zero rows/columns added before/after each spatial side (tfjs 'same' at stride 1: ⌊(k−1)/2⌋ before, the rest after). */
  pad: { top: number; bottom: number; left: number; right: number };
  gamma: Float32Array;
  beta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
  epsilon: number;
  /** Max-pool size p (stride p, no padding). */
  pool: number;
}

export interface LateBlockProblem extends LateBlockInput {
  /** Classes: labels are in [0,k) and every class has at least one example. */
  k: number;
  labels: Int32Array;
  steps: number;
  optimizer: InnerOptimizer;
  /** Scalar lr, or per-parameter lrs shaped like each param (Meta-SGD). */
  lr: number | LateBlockLrs;
}

export interface LateBlockLrs {
  kernel: Float32Array;
  bias: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
}

export interface LateBlockSolution {
  kernel: Float32Array;
  bias: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  lossBefore: number;
  lossAfter: number;
  /** The features f [n, d] of the adapted params (what the prototype head is built from). */
  features: Float32Array;
}

export interface LateBlockKernel {
  /** A short name for logs and benchmarks, e.g. 'fused-wasm-simd'. */
  name: string;
  solve(problem: LateBlockProblem): LateBlockSolution;
  /** The features f [n, d] of the given params, no steps (the guard's before/after comparison). */
  features(input: LateBlockInput): Float32Array;
}

let registered: LateBlockKernel | undefined;

/** Installs (or with undefined, removes) the fused late-block kernel the engine should prefer. */
export function registerLateBlockKernel(kernel: LateBlockKernel | undefined): void {
  registered = kernel;
}

/** The registered fused late-block kernel, if any. */
export function lateBlockKernel(): LateBlockKernel | undefined {
  return registered;
}
