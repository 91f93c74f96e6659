import * as tf from '@tensorflow/tfjs-core';

/**
 * softmax cross-entropy (y one-hot) for classification, mean squared error for regression, and
 * 'centroid-ratio' for feature adaptation (scope 'film'): `out` are features, and the loss is the
 * mean squared distance of each example to its class centroid over the mean squared distance
 * between centroids — scale-free, so a step cannot lower it by inflating every feature, and zero
 * with one example per class (1-shot: nothing to fit, the steps leave the model as it is).
 * 'proto-ce' (scope 'late'): `out` are features, and the loss is the cross-entropy of the
 * nearest-centroid classifier whose prototypes are the class means of those same features.
 */
export type LossKind = 'softmax-ce' | 'mse' | 'centroid-ratio' | 'proto-ce';

/** The loss as a differentiable scalar: CE = mean_i −Σ_c y·log softmax(out); MSE = mean over every element. */
export function lossTensor(kind: LossKind, out: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (kind === 'centroid-ratio') return centroidRatio(out as tf.Tensor2D, y as tf.Tensor2D);
    if (kind === 'proto-ce') return protoCe(out as tf.Tensor2D, y as tf.Tensor2D, out as tf.Tensor2D, y as tf.Tensor2D);
    return kind === 'softmax-ce' ? tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(out)), -1))) : tf.mean(tf.squaredDifference(out, y));
  }) as tf.Scalar;
}

/**
 * Within-class over between-class squared distances of features f [n, d] with one-hot y [n, k]. Made
 * of matMuls, squares, sums and a division only: it can be differentiated twice exactly (unlike
 * tfjs's softmax cross-entropy, whose exp saves its output), so meta-training through the steps is
 * true second order.
 */
function centroidRatio(f: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  const k = y.shape[1];
  const centroids = tf.div(tf.matMul(y, f, true, false), tf.expandDims(tf.sum(y, 0), 1));
  const within = tf.mean(tf.sum(tf.square(tf.sub(f, tf.matMul(y, centroids))), 1));
  const sq = tf.sum(tf.square(centroids), 1);
  // Σ_{a,b} ‖c_a − c_b‖² = 2k·Σ‖c‖² − 2‖Σc‖², over the k(k − 1) ordered pairs.
  const between = tf.div(tf.sub(tf.mul(2 * k, tf.sum(sq)), tf.mul(2, tf.sum(tf.square(tf.sum(centroids, 0))))), k * (k - 1));
  return tf.div(within, tf.add(between, 1e-12)) as tf.Scalar;
}

/** Class means of features f [n, d] under one-hot y [n, k]: [k, d]. */
export function classMeans(f: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  return tf.div(tf.matMul(y, f, true, false), tf.expandDims(tf.sum(y, 0), 1));
}

/** Nearest-centroid logits −‖f − p_c‖² of features f [n, d] against prototypes p [k, d]. */
export function protoLogits(f: tf.Tensor2D, protos: tf.Tensor2D): tf.Tensor2D {
  const cross = tf.mul(tf.matMul(f, protos, false, true), 2);
  return tf.sub(tf.sub(cross, tf.expandDims(tf.sum(tf.square(protos), 1), 0)), tf.expandDims(tf.sum(tf.square(f), 1), 1));
}

/** Cross-entropy of queries (fq, yq) against the prototypes of (fs, ys): 'proto-ce' when both are the support set. */
export function protoCe(fs: tf.Tensor2D, ys: tf.Tensor2D, fq: tf.Tensor2D, yq: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(yq, tf.logSoftmax(protoLogits(fq, classMeans(fs, ys)))), -1))) as tf.Scalar;
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
