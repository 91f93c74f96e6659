import * as tf from '@tensorflow/tfjs-core';
import { readF32 } from './inner-loop';
import type { LossKind } from './losses';

/** A linear head problem on tensors: embeddings, targets (one-hot or values), initial weights. */
export interface FastLinearProblem {
  loss: LossKind;
  /** Embeddings [n, d]. */
  x: tf.Tensor2D;
  /** One-hot labels or regression targets [n, k]. */
  y: tf.Tensor2D;
  w0: tf.Tensor2D;
  b0: tf.Tensor1D;
  steps: number;
  /** Scalar, or per-parameter lrs shaped like W [d, k] and b [k]. */
  lr: number | { w: tf.Tensor2D; b: tf.Tensor1D };
}

// A type alias (not an interface) so it can be returned through tf.tidy.
export type FastLinearResult = {
  w: Float32Array;
  b: Float32Array;
  /** Head outputs [n, k] before the first step and after the last (losses are computed from them). */
  outBefore: Float32Array;
  outAfter: Float32Array;
};

/**
 * The inner loop specialised to one dense layer over fixed embeddings, with analytic gradients:
 * with Xa = [X, 1] and Wa = [W; b], ∂L/∂Wa = Xaᵀ·G where G = (softmax(Xa·Wa) − Y)/n for CE and
 * 2(Xa·Wa − Y)/(n·k) for MSE. The scalar lr and the 1/n are folded into a pre-scaled Xaᵀ, so a step
 * is 5 kernels (matMul, softmax, sub, matMul, sub), and the whole loop runs in one tidy.
 */
export function fastLinearLoop(p: FastLinearProblem): FastLinearResult {
  const [n, d] = p.x.shape;
  const k = p.y.shape[1];
  const [wa, before, after] = tf.tidy(() => {
    // Padding with ones (one kernel) is ~5× cheaper on wasm than concatenating a ones column.
    const xa = tf.pad(p.x, [[0, 0], [0, 1]], 1);
    const scale = p.loss === 'softmax-ce' ? 1 / n : 2 / (n * k);
    // Transposed once: a transposeA matMul re-transposes on every call (~2× slower on wasm).
    const xsT = tf.mul(tf.transpose(xa), typeof p.lr === 'number' ? scale * p.lr : scale);
    const lra = typeof p.lr === 'number' ? undefined : tf.concat([p.lr.w, tf.reshape(p.lr.b, [1, k])], 0);
    let w: tf.Tensor = tf.concat([p.w0, tf.reshape(p.b0, [1, k])], 0);
    const out0 = tf.matMul(xa, w);
    let out = out0;
    for (let s = 0; s < p.steps; s++) {
      const g = p.loss === 'softmax-ce' ? tf.sub(tf.softmax(out), p.y) : tf.sub(out, p.y);
      const step = tf.matMul(xsT, g);
      w = tf.sub(w, lra ? tf.mul(lra, step) : step);
      out = tf.matMul(xa, w);
    }
    return [w, out0, out];
  });
  const all = readF32(wa);
  const result = { w: all.slice(0, d * k), b: all.slice(d * k), outBefore: readF32(before), outAfter: readF32(after) };
  tf.dispose([wa, before, after]);
  return result;
}
