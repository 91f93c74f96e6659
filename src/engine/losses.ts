import * as tf from '@tensorflow/tfjs-core';

/** softmax cross-entropy (y one-hot) for classification, mean squared error for regression. */
export type LossKind = 'softmax-ce' | 'mse';

/** The loss as a differentiable scalar: CE = mean_i −Σ_c y·log softmax(out); MSE = mean over every element. */
export function lossTensor(kind: LossKind, out: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() =>
    kind === 'softmax-ce' ? tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(out)), -1))) : tf.mean(tf.squaredDifference(out, y)),
  ) as tf.Scalar;
}

/** The same losses in float64 JS from read-back outputs [n, k] (fast and fused paths report these). */
export function lossFromOutputs(kind: LossKind, out: Float32Array, n: number, k: number, y: { labels?: Int32Array; targets?: Float32Array }): number {
  let total = 0;
  if (kind === 'mse') {
    const t = y.targets!;
    for (let i = 0; i < n * k; i++) total += (out[i]! - t[i]!) ** 2;
    return total / (n * k);
  }
  const labels = y.labels!;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, out[i * k + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(out[i * k + c]! - max);
    total += max + Math.log(sum) - out[i * k + labels[i]!]!;
  }
  return total / n;
}
