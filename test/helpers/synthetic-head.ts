import * as tf from '@tensorflow/tfjs-core';

/** SGD on a 3-class softmax head over a seeded synthetic support set; returns the loss per step. */
export function trainSyntheticHead(steps: number): number[] {
  const losses: number[] = [];
  // tf.variable copies its initial value; tidy disposes the zeros, not the variables.
  const [w, b] = tf.tidy(() => [tf.variable(tf.zeros([8, 3])), tf.variable(tf.zeros([3]))]);
  const [x, y] = tf.tidy(() => {
    const centres = tf.randomNormal([3, 8], 0, 2, 'float32', 7);
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32');
    const xs = tf.add(tf.gather(centres, labels), tf.randomNormal([15, 8], 0, 0.5, 'float32', 11));
    return [xs, tf.oneHot(labels, 3)];
  });
  const opt = tf.train.sgd(0.2);
  for (let i = 0; i < steps; i++) {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, w), b)), true, [w, b]);
    losses.push(loss!.dataSync()[0]!);
    loss!.dispose();
  }
  opt.dispose();
  tf.dispose([w, b, x, y]);
  return losses;
}
