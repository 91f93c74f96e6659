import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '../../src/engine/model';
import { innerLoop, innerLoopTensors } from '../../src/engine/inner-loop';
import { lossTensor } from '../../src/engine/losses';
import { adaptedNames } from '../../src/engine/adapted-params';
import { directionalCheck, directions, maxAbsDiff } from './grad-check';
import { onCpu, useWasm } from './backends';
import { sinusoidModel, sinusoidSupport } from './model-fixtures';
import type { Model } from '../../src/engine/model';
import type { ParamMap } from '../../src/engine/params';

const support = sinusoidSupport(21, 10);
const query = sinusoidSupport(21, 12);

function tensors(s: { inputs: number[][]; labels: (string | number)[] }): [tf.Tensor2D, tf.Tensor2D] {
  return [tf.tensor2d(s.inputs), tf.tensor2d(s.labels.map((l) => [l as number]))];
}

/** The MAML outer loss: query MSE after `steps` inner SGD steps from θ on the support set. */
function outerLoss(model: Model, names: string[], steps: number, lr: number, firstOrder = false) {
  return (...theta: tf.Tensor[]): tf.Scalar => {
    const [xs, ys] = tensors(support);
    const [xq, yq] = tensors(query);
    const p: ParamMap = { ...model.params };
    names.forEach((n, i) => (p[n] = theta[i]!));
    const adapted = innerLoopTensors((ps, x) => model.forward(ps, x), p, names, xs, ys, steps, lr, 'mse', { firstOrder });
    return lossTensor('mse', model.forward(adapted, xq), yq);
  };
}

function secondOrderCheck(): { analytic: number; numeric: number; firstOrder: number } {
  const model = createModel(sinusoidModel(3));
  try {
    const names = adaptedNames(model.spec, 'all');
    const theta = names.map((n) => model.params[n]!);
    // A small ε: relu kinks make larger steps of this stiff MLP cross non-smooth points.
    const r = directionalCheck(outerLoss(model, names, 2, 0.05), theta, 5, 1e-4);
    const firstOrder = tf.tidy(() => {
      const v = directions(theta, 5);
      const g = tf.grads(outerLoss(model, names, 2, 0.05, true))(theta);
      return g.reduce((s, gi, i) => s + tf.sum(tf.mul(gi, v[i]!)).dataSync()[0]!, 0);
    });
    return { ...r, firstOrder };
  } finally {
    model.dispose();
  }
}

describe('the inner loop', () => {
  beforeAll(useWasm);

  it('is differentiable to second order: ∂(query loss after 2 SGD steps)/∂θ matches central differences (wasm and cpu)', async () => {
    const before = tf.memory().numTensors;
    const wasm = secondOrderCheck();
    const cpu = await onCpu(secondOrderCheck);
    for (const r of [wasm, cpu]) {
      expect(Math.abs(r.analytic - r.numeric)).toBeLessThanOrEqual(2e-3 * Math.abs(r.numeric));
      // The second-order term is visible: first-order MAML's gradient is measurably different.
      expect(Math.abs(r.firstOrder - r.numeric)).toBeGreaterThan(20 * Math.abs(r.analytic - r.numeric));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('first-order mode gives exactly the query gradient at the adapted params (FOMAML)', () => {
    const model = createModel(sinusoidModel(4));
    const names = adaptedNames(model.spec, 'all');
    const diff = tf.tidy(() => {
      const theta = names.map((n) => model.params[n]!);
      const fo = tf.grads(outerLoss(model, names, 3, 0.02, true))(theta);
      const [xs, ys] = tensors(support);
      const [xq, yq] = tensors(query);
      const adapted = innerLoopTensors((ps, x) => model.forward(ps, x), model.params, names, xs, ys, 3, 0.02, 'mse');
      const at = names.map((n) => adapted[n]!);
      const direct = tf.grads((...a: tf.Tensor[]) => {
        const p: ParamMap = { ...model.params };
        names.forEach((n, i) => (p[n] = a[i]!));
        return lossTensor('mse', model.forward(p, xq), yq);
      })(at);
      return Math.max(...fo.map((g, i) => maxAbsDiff(g.dataSync(), direct[i]!.dataSync())));
    });
    expect(diff).toBeLessThanOrEqual(1e-6);
    model.dispose();
  });

  it('the synchronous wrapper equals the tensor version and reports loss before/after', () => {
    const model = createModel(sinusoidModel(5));
    const names = adaptedNames(model.spec, 'all');
    const before = tf.memory().numTensors;
    const [xs, ys] = tensors(support);
    const fwd = (ps: ParamMap, x: tf.Tensor): tf.Tensor => model.forward(ps, x);
    const r = innerLoop(fwd, model.params, names, xs, ys, 5, 0.01, 'mse');
    const { ref, l0, l5 } = tf.tidy(() => {
      const adapted = innerLoopTensors(fwd, model.params, names, xs, ys, 5, 0.01, 'mse');
      const ref = Object.fromEntries(names.map((n) => [n, adapted[n]!.dataSync()]));
      return { ref, l0: lossTensor('mse', fwd(model.params, xs), ys).dataSync()[0]!, l5: lossTensor('mse', fwd(adapted, xs), ys).dataSync()[0]! };
    });
    for (const n of names) expect(r.params[n]!.data).toEqual(ref[n]);
    expect(r.lossBefore).toBe(l0);
    expect(r.lossAfter).toBe(l5);
    expect(r.lossAfter).toBeLessThan(r.lossBefore);
    tf.dispose([xs, ys]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('Meta-SGD: per-parameter lr tensors that are all c give the scalar-lr result; distinct ones change it', () => {
    const model = createModel(sinusoidModel(6));
    const names = adaptedNames(model.spec, 'all');
    const [xs, ys] = tensors(support);
    const fwd = (ps: ParamMap, x: tf.Tensor): tf.Tensor => model.forward(ps, x);
    const scalar = innerLoop(fwd, model.params, names, xs, ys, 3, 0.01, 'mse');
    const same = Object.fromEntries(names.map((n) => [n, tf.fill(model.params[n]!.shape, 0.01)]));
    const perParam = innerLoop(fwd, model.params, names, xs, ys, 3, same, 'mse');
    const varied = Object.fromEntries(names.map((n, i) => [n, tf.fill(model.params[n]!.shape, 0.005 * (i + 1))]));
    const other = innerLoop(fwd, model.params, names, xs, ys, 3, varied, 'mse');
    for (const n of names) expect(maxAbsDiff(perParam.params[n]!.data, scalar.params[n]!.data)).toBeLessThanOrEqual(1e-7);
    expect(maxAbsDiff(other.params[names[0]!]!.data, scalar.params[names[0]!]!.data)).toBeGreaterThan(1e-4);
    tf.dispose([xs, ys, ...Object.values(same), ...Object.values(varied)]);
    model.dispose();
  });
});
