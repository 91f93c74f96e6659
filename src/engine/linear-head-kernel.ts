/**
 * The contract between the engine and a fused linear-head adaptation kernel (our SIMD wasm kernel in
 * `wasm/fused/`). The engine calls the registered kernel when the head is a single dense layer over
 * precomputed embeddings; otherwise (or when none is registered) it runs its tfjs fast path.
 *
 * Semantics (must match the tfjs fast path to 1e-5):
 *   logits = X·W + b                      X [n,d] row-major, W [d,k] row-major, b [k]
 *   softmax-ce: loss = mean_i( -log softmax(logits_i)[y_i] )           (y = class index)
 *   mse:        loss = mean_{i,j}( (logits_ij - t_ij)^2 )              (t [n,k] targets)
 *   one SGD step: W -= lrW ⊙ dL/dW ; b -= lrB ⊙ dL/db   (lrW/lrB: scalar broadcast, or per-parameter)
 *   prototype init (softmax-ce only): p_c = mean of X rows with y = c; W[:,c] = 2 p_c; b[c] = -‖p_c‖²
 *   lossBefore = loss at the initial (W,b) (after prototype init if used); lossAfter = loss after `steps`.
 */
export interface LinearHeadProblem {
  loss: 'softmax-ce' | 'mse';
  n: number;
  d: number;
  k: number;
  /** Embeddings [n,d] row-major. */
  x: Float32Array;
  /** Class indices in [0,k) for softmax-ce (length n). */
  labels?: Int32Array;
  /** Regression targets [n,k] for mse. */
  targets?: Float32Array;
  /** Initial weights [d,k] and bias [k]; ignored (may be absent) when init is 'prototype'. */
  w0?: Float32Array;
  b0?: Float32Array;
  init: 'learned' | 'prototype';
  steps: number;
  /** Scalar lr, or per-parameter lrs with the shapes of W and b (Meta-SGD). */
  lr: number | { w: Float32Array; b: Float32Array };
}

export interface LinearHeadSolution {
  w: Float32Array;
  b: Float32Array;
  lossBefore: number;
  lossAfter: number;
}

export interface LinearHeadKernel {
  /** A short name for logs and benchmarks, e.g. 'fused-wasm-simd'. */
  name: string;
  solve(problem: LinearHeadProblem): LinearHeadSolution;
}

let registered: LinearHeadKernel | undefined;

/** Installs (or with undefined, removes) the fused kernel the engine should prefer. */
export function registerLinearHeadKernel(kernel: LinearHeadKernel | undefined): void {
  registered = kernel;
}

/** The registered fused kernel, if any. */
export function linearHeadKernel(): LinearHeadKernel | undefined {
  return registered;
}
