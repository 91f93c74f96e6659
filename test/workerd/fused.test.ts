import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initWorkerdBackend } from '../../wasm/workerd';
import { backendInfo } from '../../wasm/backend';
import { linearHeadKernel } from '../../src/engine/linear-head-kernel';
import { FUSED_KERNEL_NAME } from '../../wasm/fused/kernel';
import { createWorkerdFusedKernel, installWorkerdFusedKernel } from '../../wasm/fused/workerd';
import { solveLinearHeadReference } from '../../wasm/fused/reference';
import { solveLinearHeadTfjs } from '../../wasm/fused/naive-tfjs';
import { TEST_SHAPES, maxScaledError, syntheticProblem } from '../../wasm/fused/synthetic';
import type { FusedKernel } from '../../wasm/fused/kernel';
import type { ProblemSpec } from '../../wasm/fused/synthetic';
// Not our module: installing from it must fail softly.
import empty from '../fixtures/empty.wasm';

const SHAPES = TEST_SHAPES;
const VARIANTS: Array<Pick<ProblemSpec, 'loss' | 'init' | 'perParam' | 'lr'>> = [
  { loss: 'softmax-ce', init: 'learned', lr: 0.5 },
  { loss: 'softmax-ce', init: 'learned', lr: 0.5, perParam: true },
  { loss: 'softmax-ce', init: 'prototype', lr: 0.5 },
  { loss: 'mse', init: 'learned', lr: 0.1 },
  { loss: 'mse', init: 'learned', lr: 0.1, perParam: true },
];

let kernel: FusedKernel;
beforeAll(async () => {
  await initWorkerdBackend();
  kernel = await createWorkerdFusedKernel();
});

describe('fused SIMD linear-head kernel in workerd', () => {
  it('initWorkerdBackend installs it from the imported module and reports fused: true', async () => {
    const info = await initWorkerdBackend();
    expect(info.fused).toBe(true);
    expect(backendInfo()?.fused).toBe(true);
    expect(linearHeadKernel()?.name).toBe(FUSED_KERNEL_NAME);
  });

  it('a module that is not ours fails softly: resolves false and keeps the installed kernel', async () => {
    const before = linearHeadKernel();
    const errors: unknown[] = [];
    expect(await installWorkerdFusedKernel({ module: empty, force: true, onError: (e) => errors.push(e) })).toBe(false);
    expect(errors[0]).toMatchObject({ code: 'fused_bad_module' });
    expect(linearHeadKernel()).toBe(before);
  });

  for (const v of VARIANTS) {
    it(`${v.loss}, ${v.init} init, ${v.perParam ? 'per-parameter' : 'scalar'} lr: matches the float64 oracle and tfjs to 1e-5`, () => {
      const tensors = tf.memory().numTensors;
      SHAPES.forEach(([n, d, k], s) => {
        const p = syntheticProblem({ ...v, n, d, k, steps: 10 }, 400 + s);
        const got = kernel.solve(p);
        const where = `n=${n} d=${d} k=${k}`;
        for (const want of [solveLinearHeadReference(p), solveLinearHeadTfjs(p)]) {
          expect(maxScaledError(got.w, want.w), where).toBeLessThan(1e-5);
          expect(maxScaledError(got.b, want.b), where).toBeLessThan(1e-5);
          expect(maxScaledError([got.lossBefore, got.lossAfter], [want.lossBefore, want.lossAfter]), where).toBeLessThan(1e-5);
        }
      });
      expect(tf.memory().numTensors).toBe(tensors);
    });
  }

  it('zero steps returns the initial head with lossBefore = lossAfter', () => {
    const p = syntheticProblem({ loss: 'softmax-ce', init: 'learned', lr: 0.5, n: 8, d: 6, k: 3, steps: 0 }, 500);
    const got = kernel.solve(p);
    expect(Array.from(got.w)).toEqual(Array.from(p.w0!));
    expect(Array.from(got.b)).toEqual(Array.from(p.b0!));
    expect(got.lossAfter).toBe(got.lossBefore);
    expect(maxScaledError([got.lossBefore], [solveLinearHeadReference(p).lossBefore])).toBeLessThan(1e-5);
  });

  it('is deterministic: bit-identical results twice', () => {
    const p = syntheticProblem({ loss: 'softmax-ce', init: 'prototype', lr: 0.5, n: 25, d: 64, k: 5, steps: 10, perParam: true }, 501);
    const a = kernel.solve(p);
    const b = kernel.solve(p);
    expect(new Uint8Array(b.w.buffer)).toEqual(new Uint8Array(a.w.buffer));
    expect(new Uint8Array(b.b.buffer)).toEqual(new Uint8Array(a.b.buffer));
    expect([b.lossBefore, b.lossAfter]).toEqual([a.lossBefore, a.lossAfter]);
  });

  it('1,000 calls keep memory.buffer.byteLength constant after the first', async () => {
    const fresh = await createWorkerdFusedKernel();
    const p = syntheticProblem({ loss: 'softmax-ce', init: 'learned', lr: 0.5, n: 25, d: 64, k: 5, steps: 10 }, 502);
    fresh.solve(p);
    const after1 = fresh.memoryBytes();
    for (let i = 0; i < 1000; i++) fresh.solve(p);
    expect(fresh.memoryBytes()).toBe(after1);
  });
});
