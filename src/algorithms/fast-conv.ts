import * as tf from '@tensorflow/tfjs-core';

/**
 * Training-only conv and max-pool with cheaper gradients on wasm (measured: the stock
 * Conv2DBackpropInput is a plain loop, ~18× a forward conv; a transposed-A matMul ~10× an explicit
 * transpose then matMul). Values are exactly tf.conv2d / tf.maxPool; only the backward differs:
 * dx = conv2d(dy, flipped filter) (stride 1, 'same', odd kernel), dW = one conv2d with channels as
 * the batch and dy as the filter. Gradients are first order (no gradient of these gradients).
 */
export function trainConv2d(x: tf.Tensor4D, w: tf.Tensor4D, inputGrad = true): tf.Tensor4D {
  const f = tf.customGrad((xx, ww, save) => {
    (save as (t: tf.Tensor[]) => void)([xx as tf.Tensor, ww as tf.Tensor]);
    return {
      value: tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [kh, kw] = ws.shape;
        const flipped = tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        // The first layer's input is data: its gradient would never be used.
        const dx = inputGrad ? tf.conv2d(dy as tf.Tensor4D, flipped, 1, 'same') : tf.zerosLike(xs);
        const ph = (kh - 1) / 2;
        const pw = (kw - 1) / 2;
        const xp = tf.pad(xs, [[0, 0], [ph, ph], [pw, pw], [0, 0]]);
        // [C, H+2p, W+2p, N] conv [H, W, N, F] (valid) = [C, kh, kw, F]
        const dw = tf.transpose(tf.conv2d(tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid'), [1, 2, 0, 3]);
        return [dx, dw];
      },
    };
  });
  return f(x, w) as tf.Tensor4D;
}
