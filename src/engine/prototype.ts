import * as tf from '@tensorflow/tfjs-core';

/**
 * Prototype init (Proto-MAML): p_c = mean of the features of class c, W[:, c] = 2·p_c, b_c = −‖p_c‖²,
 * so logits are −‖f − p_c‖² up to a per-example constant. Differentiable in `features` (training).
 */
export function prototypeHead(features: tf.Tensor2D, onehot: tf.Tensor2D): { kernel: tf.Tensor2D; bias: tf.Tensor1D } {
  return tf.tidy(() => {
    const counts = tf.sum(onehot, 0);
    const protos = tf.div(tf.matMul(onehot, features, true, false), tf.expandDims(counts, 1));
    return { kernel: tf.transpose(tf.mul(protos, 2)) as tf.Tensor2D, bias: tf.neg(tf.sum(tf.square(protos), 1)) as tf.Tensor1D };
  });
}
