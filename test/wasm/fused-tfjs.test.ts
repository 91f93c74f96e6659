import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../wasm/node';
import { createNodeFusedKernel } from '../../wasm/fused/node';
import { solveLinearHeadTfjs } from '../../wasm/fused/naive-tfjs';
import { solveLinearHeadReference } from '../../wasm/fused/reference';
import { TEST_SHAPES, maxScaledError, syntheticProblem } from '../../wasm/fused/synthetic';
import type { FusedKernel } from '../../wasm/fused/kernel';
import type { ProblemSpec } from '../../wasm/fused/synthetic';

const SHAPES = TEST_SHAPES;
const VARIANTS: Array<Pick<ProblemSpec, 'loss' | 'init' | 'perParam' | 'lr'>> = [
  { loss: 'softmax-ce', init: 'learned', lr: 0.5 },
  { loss: 'softmax-ce', init: 'prototype', lr: 0.5, perParam: true },
  { loss: 'mse', init: 'learned', lr: 0.1 },
  { loss: 'mse', init: 'learned', lr: 0.1, perParam: true },
];

let kernel: FusedKernel;
beforeAll(async () => {
  await initNodeBackend();
  kernel = await createNodeFusedKernel();
});

describe('fused kernel vs the same loop in tfjs (autodiff + SGD) on the wasm backend', () => {
  for (const v of VARIANTS) {
    it(`${v.loss}, ${v.init} init, ${v.perParam ? 'per-parameter' : 'scalar'} lr: matches to 1e-5, no tensor leaks`, () => {
      expect(tf.getBackend()).toBe('wasm');
      const tensors = tf.memory().numTensors;
      SHAPES.forEach(([n, d, k], s) => {
        const p = syntheticProblem({ ...v, n, d, k, steps: 10 }, 200 + s);
        const got = kernel.solve(p);
        const want = solveLinearHeadTfjs(p);
        const where = `n=${n} d=${d} k=${k}`;
        expect(maxScaledError(got.w, want.w), where).toBeLessThan(1e-5);
        expect(maxScaledError(got.b, want.b), where).toBeLessThan(1e-5);
        expect(maxScaledError([got.lossBefore, got.lossAfter], [want.lossBefore, want.lossAfter]), where).toBeLessThan(1e-5);
      });
      expect(tf.memory().numTensors).toBe(tensors);
    });
  }
});

describe('the gradient the fused kernel applies', () => {
  // One step with lr 1 leaves W1 = W0 - dL/dW; compare with central differences of the float64 loss.
  for (const loss of ['softmax-ce', 'mse'] as const) {
    it(`${loss}: equals central finite differences of the loss, for W and b`, () => {
      const p = syntheticProblem({ loss, init: 'learned', lr: 1, n: 9, d: 6, k: 3, steps: 1 }, 300);
      const step = kernel.solve(p);
      const lossAt = (w0: Float32Array, b0: Float32Array): number => solveLinearHeadReference({ ...p, w0, b0, steps: 0 }).lossAfter;
      const h = 1e-3;
      const probe = (which: 'w' | 'b', e: number): [number, number] => {
        const plus = { w: p.w0!.slice(), b: p.b0!.slice() };
        const minus = { w: p.w0!.slice(), b: p.b0!.slice() };
        plus[which][e]! += h;
        minus[which][e]! -= h;
        // The perturbation is what float32 actually stored, not h.
        const dh = plus[which][e]! - minus[which][e]!;
        const fd = (lossAt(plus.w, plus.b) - lossAt(minus.w, minus.b)) / dh;
        const applied = which === 'w' ? p.w0![e]! - step.w[e]! : p.b0![e]! - step.b[e]!;
        return [applied, fd];
      };
      for (const e of [0, 4, 7, 11, 17]) {
        const [applied, fd] = probe('w', e);
        expect(Math.abs(applied - fd), `W[${e}]`).toBeLessThan(2e-5);
      }
      for (const e of [0, 1, 2]) {
        const [applied, fd] = probe('b', e);
        expect(Math.abs(applied - fd), `b[${e}]`).toBeLessThan(2e-5);
      }
    });
  }
});
