import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../wasm/node';
import { adapt, createModel, fastLinearLoop, linearHeadKernel, prototypeHead } from '../../src/engine/index';
import { lossFromOutputs } from '../../src/engine/losses';
import { createNodeFusedKernel } from '../../wasm/fused/node';
import { FUSED_KERNEL_NAME } from '../../wasm/fused/kernel';
import { maxScaledError, syntheticProblem } from '../../wasm/fused/synthetic';
import { createRng } from '../../src/util/random';
import { embeddingModel } from '../engine/model-fixtures';
import type { FusedKernel } from '../../wasm/fused/kernel';
import type { LinearHeadProblem, LinearHeadSolution } from '../../src/engine/index';
import type { FixtureOptions } from '../engine/model-fixtures';
import type { ProblemSpec } from '../../wasm/fused/synthetic';

let kernel: FusedKernel;
beforeAll(async () => {
  await initNodeBackend();
  kernel = await createNodeFusedKernel();
});

/** The engine's tfjs fast path on the same problem, in LinearHeadSolution form. */
function solveWithFastPath(p: LinearHeadProblem): LinearHeadSolution {
  const y = p.labels ? { labels: p.labels } : { targets: p.targets! };
  const r = tf.tidy(() => {
    const x = tf.tensor2d(p.x, [p.n, p.d]);
    const onehot = p.labels ? tf.tensor2d(Float32Array.from({ length: p.n * p.k }, (_, e) => (p.labels![Math.floor(e / p.k)] === e % p.k ? 1 : 0)), [p.n, p.k]) : undefined;
    const target = onehot ?? tf.tensor2d(p.targets!, [p.n, p.k]);
    const init = p.init === 'prototype' ? prototypeHead(x, onehot!) : { kernel: tf.tensor2d(p.w0!, [p.d, p.k]), bias: tf.tensor1d(p.b0!) };
    const lr = typeof p.lr === 'number' ? p.lr : { w: tf.tensor2d(p.lr.w, [p.d, p.k]), b: tf.tensor1d(p.lr.b) };
    return fastLinearLoop({ loss: p.loss, x, y: target, w0: init.kernel, b0: init.bias, steps: p.steps, lr });
  });
  return { w: r.w, b: r.b, lossBefore: lossFromOutputs(p.loss, r.outBefore, p.n, p.k, y), lossAfter: lossFromOutputs(p.loss, r.outAfter, p.n, p.k, y) };
}

describe("fused kernel vs the engine's tfjs fast path (fastLinearLoop)", () => {
  const variants: Array<Pick<ProblemSpec, 'loss' | 'init' | 'perParam' | 'lr'>> = [
    { loss: 'softmax-ce', init: 'learned', lr: 0.5 },
    { loss: 'softmax-ce', init: 'prototype', lr: 0.5, perParam: true },
    { loss: 'mse', init: 'learned', lr: 0.1 },
    { loss: 'mse', init: 'learned', lr: 0.1, perParam: true },
  ];
  const shapes: Array<[number, number, number]> = [
    [25, 64, 5],
    [11, 30, 3],
    [9, 7, 2],
  ];
  for (const v of variants) {
    it(`${v.loss}, ${v.init} init, ${v.perParam ? 'per-parameter' : 'scalar'} lr: same W, b, losses to 1e-5`, () => {
      const tensors = tf.memory().numTensors;
      shapes.forEach(([n, d, k], s) => {
        const p = syntheticProblem({ ...v, n, d, k, steps: 10 }, 600 + s);
        const got = kernel.solve(p);
        const want = solveWithFastPath(p);
        const where = `n=${n} d=${d} k=${k}`;
        expect(maxScaledError(got.w, want.w), where).toBeLessThan(1e-5);
        expect(maxScaledError(got.b, want.b), where).toBeLessThan(1e-5);
        expect(maxScaledError([got.lossBefore, got.lossAfter], [want.lossBefore, want.lossAfter]), where).toBeLessThan(1e-5);
      });
      expect(tf.memory().numTensors).toBe(tensors);
    });
  }
});

function support(seed: number, dim: number, labels: (string | number)[], perLabel: number): { inputs: number[][]; labels: (string | number)[] } {
  const rng = createRng(seed);
  const inputs: number[][] = [];
  const out: (string | number)[] = [];
  for (const label of labels) {
    const centre = Array.from({ length: dim }, () => rng.normal() / Math.sqrt(dim));
    for (let i = 0; i < perLabel; i++) {
      inputs.push(centre.map((v) => v + (0.5 * rng.normal()) / Math.sqrt(dim)));
      // Numeric labels are regression targets.
      out.push(typeof label === 'number' ? rng.normal() : label);
    }
  }
  return { inputs, labels: out };
}

describe('adapt() picks the fused kernel by default and agrees with its fast path', () => {
  const cases: Array<[string, FixtureOptions, (string | number)[]]> = [
    ['prototype init, scalar lr', {}, ['a', 'b', 'c', 'd', 'e']],
    ['prototype init, Meta-SGD lrs', { lrMode: 'per-parameter' }, ['x', 'y', 'z']],
    ['learned head, Meta-SGD lrs', { headInit: 'learned', labels: ['p', 'q', 'r', 's'], lrMode: 'per-parameter' }, ['p', 'q', 'r', 's']],
    ['regression (mse), learned head', { task: 'regression' }, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  ];
  for (const [name, opts, labels] of cases) {
    it(name, () => {
      expect(linearHeadKernel()?.name).toBe(FUSED_KERNEL_NAME);
      const model = createModel(embeddingModel(700, 64, opts));
      try {
        const s = support(701, 64, labels, opts.task === 'regression' ? 1 : 5);
        const tensors = tf.memory().numTensors;
        const fused = adapt(model, s);
        const fast = adapt(model, s, { path: 'fast' });
        expect(fused.path).toBe('fused');
        expect(fast.path).toBe('fast');
        expect(Object.keys(fused.head.params).sort()).toEqual(Object.keys(fast.head.params).sort());
        for (const [param, t] of Object.entries(fused.head.params)) {
          expect(t.shape, param).toEqual(fast.head.params[param]!.shape);
          expect(maxScaledError(t.data, fast.head.params[param]!.data), param).toBeLessThan(1e-5);
        }
        expect(maxScaledError([fused.loss.before, fused.loss.after], [fast.loss.before, fast.loss.after])).toBeLessThan(1e-5);
        expect(fused.loss.after).toBeLessThan(fused.loss.before);
        expect(tf.memory().numTensors).toBe(tensors);
      } finally {
        model.dispose();
      }
    });
  }
});
