import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { innerLoop } from '../../src/engine/inner-loop';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPS, MOMENTUM } from '../../src/engine/optimizers';
import { createRng } from '../../src/util/random';
import { useWasm } from './backends';
import type { InnerOptimizer } from '../../src/spec/model-spec';

// A linear regressor y = x·W + b under MSE: its gradient is closed-form, so a float64 reference of each
// update rule (written from torch.optim's documented algorithms) checks the loop's state handling.
const N = 8;
const D = 10;
const rng = createRng(7);
const rand = (): number => rng.next();
const X = Array.from({ length: N }, () => Array.from({ length: D }, () => rand() * 2 - 1));
const Y = X.map((r) => r.reduce((a, v, i) => a + v * (i % 3) * 0.3, 0.5));
const W0 = Array.from({ length: D }, () => rand() * 0.2 - 0.1);
const B0 = 0.05;

function reference(kind: InnerOptimizer, steps: number, lr: number): { w: number[]; b: number } {
  let w = [...W0];
  let b = B0;
  const m = new Array<number>(D + 1).fill(0);
  const v = new Array<number>(D + 1).fill(0);
  for (let t = 1; t <= steps; t++) {
    const g = new Array<number>(D + 1).fill(0);
    for (let i = 0; i < N; i++) {
      const r = (2 / N) * (X[i]!.reduce((a, x, j) => a + x * w[j]!, b) - Y[i]!);
      X[i]!.forEach((x, j) => (g[j]! += r * x));
      g[D]! += r;
    }
    const dir = g.map((gi, j) => {
      if (kind === 'sgd') return gi;
      if (kind === 'momentum') return (m[j] = t === 1 ? gi : MOMENTUM * m[j]! + gi);
      m[j] = ADAM_BETA1 * m[j]! + (1 - ADAM_BETA1) * gi;
      v[j] = ADAM_BETA2 * v[j]! + (1 - ADAM_BETA2) * gi * gi;
      return m[j]! / (1 - ADAM_BETA1 ** t) / (Math.sqrt(v[j]! / (1 - ADAM_BETA2 ** t)) + ADAM_EPS);
    });
    w = w.map((wj, j) => wj - lr * dir[j]!);
    b -= lr * dir[D]!;
  }
  return { w, b };
}

describe('inner-loop optimizers (sgd, momentum, adam as torch.optim)', () => {
  beforeAll(useWasm);

  for (const kind of ['sgd', 'momentum', 'adam'] as const) {
    it(`${kind}: 5 steps match a float64 reference and leak no tensors`, () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor2d(X);
      const y = tf.tensor2d(Y.map((t) => [t]));
      const params = { w: tf.tensor2d(W0, [D, 1]), b: tf.tensor1d([B0]) };
      const r = innerLoop((p, xx) => tf.add(tf.matMul(xx as tf.Tensor2D, p.w as tf.Tensor2D), p.b!), params, ['w', 'b'], x, y, 5, 0.01, 'mse', { optimizer: kind });
      tf.dispose([x, y, params.w, params.b]);
      expect(tf.memory().numTensors).toBe(before);
      const ref = reference(kind, 5, 0.01);
      const got = [...r.params.w!.data, r.params.b!.data[0]!];
      const want = [...ref.w, ref.b];
      const err = Math.max(...got.map((g, i) => Math.abs(g - want[i]!)));
      expect(err).toBeLessThan(1e-6);
      expect(r.lossAfter).toBeLessThan(r.lossBefore);
    });
  }

  it('the three rules really differ (the option is not ignored)', () => {
    const [s, m, a] = (['sgd', 'momentum', 'adam'] as const).map((k) => reference(k, 5, 0.01).b);
    expect(Math.abs(s! - m!)).toBeGreaterThan(1e-4);
    expect(Math.abs(s! - a!)).toBeGreaterThan(1e-4);
  });
});
