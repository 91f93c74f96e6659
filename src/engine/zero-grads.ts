import * as tf from '@tensorflow/tfjs-core';

/**
 * Comparisons have a zero gradient almost everywhere, but tfjs registers none, so differentiating a
 * gradient that contains one (a max's mask: second-order meta-training through `maxPool2`) fails.
 * Registered once, for every backend; a later tfjs that ships its own keeps it.
 */
for (const kernelName of ['Equal', 'Greater', 'GreaterEqual', 'Less', 'LessEqual']) {
  if (tf.getGradient(kernelName)) continue;
  tf.registerGradient({
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
    },
  });
}
