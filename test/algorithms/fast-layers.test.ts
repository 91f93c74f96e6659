import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { trainBatchNorm } from '../../src/algorithms/fast-batch-norm';
import { trainConv2d } from '../../src/algorithms/fast-conv';
import { onCpu, useWasm } from '../engine/backends';
import { directionalCheck, maxAbsDiff, spacedTensor } from '../engine/grad-check';

/** Stock tfjs value and gradients of a loss through conv → batch norm (batch moments), vs the training layers. */
function compare(): { value: number; grads: number; scale: number } {
  return tf.tidy(() => {
    const x = spacedTensor([3, 6, 6, 2], 1, 0.01);
    const w = spacedTensor([3, 3, 2, 4], 2, 0.02);
    const g = tf.tensor1d([1, 0.5, 2, 1.5]);
    const b = tf.tensor1d([0.1, -0.2, 0, 0.3]);
    const target = spacedTensor([3, 6, 6, 4], 3, 0.003);
    const stock = (xx: tf.Tensor, ww: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor): tf.Scalar => {
      const h = tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same');
      const { mean, variance } = tf.moments(h, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(h, mean, variance, bb, gg, 1e-3), target));
    };
    const fast = (xx: tf.Tensor, ww: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(trainBatchNorm(trainConv2d(xx as tf.Tensor4D, ww as tf.Tensor4D), gg, bb, 1e-3), target));
    const ga = tf.grads(stock)([x, w, g, b]);
    const gb = tf.grads(fast)([x, w, g, b]);
    const grads = Math.max(...ga.map((t, i) => maxAbsDiff(t.dataSync(), gb[i]!.dataSync())));
    const scale = Math.max(...ga.map((t) => tf.max(tf.abs(t)).dataSync()[0]!));
    return { value: Math.abs(stock(x, w, g, b).dataSync()[0]! - fast(x, w, g, b).dataSync()[0]!), grads, scale };
  });
}

describe('training conv and batch norm (cheaper gradients, same values)', () => {
  beforeAll(useWasm);

  it('match stock tfjs values and gradients on wasm and cpu', async () => {
    for (const r of [compare(), await onCpu(compare)]) {
      expect(r.value).toBeLessThan(1e-3);
      expect(r.grads).toBeLessThan(1e-4 * r.scale);
    }
  });

  it('have gradients that match central differences', () => {
    const target = spacedTensor([2, 5, 5, 3], 4, 0.01);
    const f = (x: tf.Tensor, w: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.mul(trainBatchNorm(trainConv2d(x as tf.Tensor4D, w as tf.Tensor4D), g, b, 1e-3), target));
    const xs = [spacedTensor([2, 5, 5, 2], 5, 0.02), spacedTensor([3, 3, 2, 3], 6, 0.05), tf.tensor1d([1, 2, 0.5]), tf.tensor1d([0, 0.1, -0.1])];
    const r = directionalCheck(f, xs, 7, 1e-2);
    expect(Math.abs(r.analytic - r.numeric)).toBeLessThan(2e-2 * Math.abs(r.numeric) + 1e-3);
    tf.dispose([target, ...xs]);
  });

  it('leave no tensors behind', () => {
    const before = tf.memory().numTensors;
    compare();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('first-layer conv (no input gradient)', () => {
  beforeAll(useWasm);

  it('keeps the filter gradient exactly and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = spacedTensor([2, 5, 5, 1], 13, 0.02);
      const w = spacedTensor([3, 3, 1, 4], 14, 0.05);
      const target = spacedTensor([2, 5, 5, 4], 15, 0.01);
      const loss = (inputGrad: boolean) => (ww: tf.Tensor): tf.Scalar => tf.sum(tf.mul(trainConv2d(x as tf.Tensor4D, ww as tf.Tensor4D, inputGrad), target));
      expect(maxAbsDiff(tf.grad(loss(false))(w).dataSync(), tf.grad(loss(true))(w).dataSync())).toBe(0);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
