import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initWorkerdBackend } from '../../wasm/workerd';
import { filmTail, maxPool2 } from '../../src/engine/film';
import { lossTensor } from '../../src/engine/losses';
import { directionalCheck, spacedTensor } from '../engine/grad-check';
import type { ModelSpec } from '../../src/spec/model-spec';

/** dx of a 2×2/2 'valid' max pool by the stock rule: each window's dy to its first maximum (row-major). */
function reference(x: Float32Array, dy: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const dx = new Float32Array(x.length);
  const oh = Math.floor(h / 2);
  const ow = Math.floor(w / 2);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++)
        for (let ch = 0; ch < c; ch++) {
          let at = -1;
          for (const [r, q] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
            const i = ((b * h + 2 * y + r!) * w + 2 * xo + q!) * c + ch;
            if (at < 0 || x[i]! > x[at]!) at = i;
          }
          dx[at] = dy[((b * oh + y) * ow + xo) * c + ch]!;
        }
  return dx;
}

describe('training kernels in workerd', () => {
  it('MaxPoolGrad (the 2×2/2 fast path): first maximum of each window, ties and odd sizes included', async () => {
    await initWorkerdBackend();
    for (const [size, ties] of [[6, true], [7, true], [7, false]] as const) {
      const before = tf.memory().numTensors;
      const [got, want] = tf.tidy(() => {
        const base = spacedTensor([2, size, size, 3], size, 0.01);
        const x = ties ? tf.mul(tf.round(tf.mul(base, 3)), 0.5) : base;
        const out = Math.floor(size / 2);
        const dy = spacedTensor([2, out, out, 3], 9, 0.02);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), dy)))(x);
        return [g.dataSync(), reference(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, 2, size, size, 3)];
      });
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it("scope film's tail (maxPool2, centroid-ratio loss) has the values of tf.maxPool and gradients that match central differences", async () => {
    await initWorkerdBackend();
    const spec: ModelSpec = { inputShape: [4, 4, 3], task: 'classification', body: [{ kind: 'batchNorm', name: 'bn' }, { kind: 'relu' }, { kind: 'maxPool', size: 2 }, { kind: 'flatten' }], head: [{ kind: 'dense', name: 'out', units: 'ways' }] };
    const r = tf.tidy(() => {
      const x = spacedTensor([2, 7, 7, 3], 5, 0.01) as tf.Tensor4D;
      expect(Array.from(maxPool2(x).dataSync())).toEqual(Array.from(tf.maxPool(x, 2, 2, 'valid').dataSync()));
      const z = tf.add(spacedTensor([6, 4, 4, 3], 6, 0.02), tf.tile(tf.reshape(tf.tensor1d([0, 1, -1, 0, 1, -1]), [6, 1, 1, 1]), [1, 4, 4, 3]));
      const y = tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3), 'float32');
      const f = (g: tf.Tensor, b: tf.Tensor): tf.Scalar => lossTensor('centroid-ratio', filmTail(spec, (n) => (n.endsWith('gamma') ? g : b), z), y);
      return directionalCheck(f, [tf.tensor1d([1.1, 0.9, 1.3]), tf.tensor1d([1.5, 1.2, 1.8])], 7, 1e-3);
    });
    expect(Math.abs(r.analytic - r.numeric)).toBeLessThan(1e-2 * Math.abs(r.numeric) + 1e-5);
  });
});
