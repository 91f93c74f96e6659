import * as tf from '@tensorflow/tfjs-core';

/** Number of tfjs kernels (ops dispatched to the backend) one call of `fn` runs. */
export async function kernelCount(fn: () => unknown): Promise<number> {
  const info = await tf.profile(() => {
    fn();
    return [];
  });
  return info.kernels.length;
}
