import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initWorkerdBackend } from '../../wasm/workerd';
import { adapt, createModel } from '../../src/engine/index';
import { lateBlockKernel } from '../../src/engine/late-block-kernel';
import { FUSED_KERNEL_NAME } from '../../wasm/fused/kernel';
import { createWorkerdFusedKernel } from '../../wasm/fused/workerd';
import { solveLateBlockReference } from '../../wasm/fused/late-block-reference';
import { solveLateBlockTfjs } from '../../wasm/fused/late-block-tfjs';
import { LATE_SHAPES, lateError, syntheticLateProblem } from '../../wasm/fused/late-synthetic';
import { convModel, imageSupport } from '../engine/model-fixtures';
import type { FusedKernel } from '../../wasm/fused/kernel';

let fused: FusedKernel;
beforeAll(async () => {
  await initWorkerdBackend();
  fused = await createWorkerdFusedKernel();
});

describe('fused late-block kernel in workerd', () => {
  it('initWorkerdBackend installs it beside the linear head', () => {
    expect(lateBlockKernel()?.name).toBe(FUSED_KERNEL_NAME);
  });

  for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
    it(`${optimizer}: matches tfjs autodiff (10 steps, 1e-5) and the float64 oracle (${optimizer === 'adam' ? '1 step, 5e-5' : '10 steps, 1e-5'}) over every shape${optimizer === 'adam' ? ' with a pool window' : ''}, no tensor leaks`, () => {
      const tensors = tf.memory().numTensors;
      LATE_SHAPES.forEach((s, i) => {
        // A 1×1 pool's Adam: both float32 paths can be ~1e-4 from float64 (test/wasm/late-block-tfjs.test.ts holds it there).
        if (optimizer === 'adam' && s.pool === 1) return;
        const p = syntheticLateProblem({ ...s, steps: 10, optimizer, lr: optimizer === 'adam' ? 2e-3 : 0.05, perParam: i % 2 === 1 }, 600 + i);
        expect(lateError(fused.lateBlock.solve(p), solveLateBlockTfjs(p)), JSON.stringify(s)).toBeLessThan(1e-5);
        // Adam rescales float32 rounding of tiny gradients in any float32 implementation (test/wasm/late-block.test.ts).
        const short = optimizer === 'adam' ? { ...p, steps: 1 } : p;
        expect(lateError(fused.lateBlock.solve(short), solveLateBlockReference(short)), JSON.stringify(s)).toBeLessThan(optimizer === 'adam' ? 5e-5 : 1e-5);
      });
      expect(tf.memory().numTensors).toBe(tensors);
    });
  }

  it('is deterministic, and 1,000 calls keep its memory constant', async () => {
    const fresh = await createWorkerdFusedKernel();
    const p = syntheticLateProblem({ ...LATE_SHAPES[0]!, steps: 10, optimizer: 'adam', lr: 2e-3 }, 700);
    const a = fresh.lateBlock.solve(p);
    const bytes = fresh.memoryBytes();
    for (let i = 0; i < 1000; i++) fresh.lateBlock.solve(p);
    const b = fresh.lateBlock.solve(p);
    expect(fresh.memoryBytes()).toBe(bytes);
    expect(new Uint8Array(b.kernel.buffer)).toEqual(new Uint8Array(a.kernel.buffer));
    expect([b.lossBefore, b.lossAfter]).toEqual([a.lossBefore, a.lossAfter]);
  });

  it("adapt() takes it for scope 'late' (guard included) and leaks nothing", () => {
    const m = createModel(convModel(8, { scope: 'late', more: { lateBlocks: 1, optimizer: 'adam', lr: 0.01, steps: 5, guard: 'split' } }));
    const before = tf.memory().numTensors;
    const r = adapt(m, imageSupport(9, 3, 4, 0.8));
    expect(r.path).toBe('fused');
    expect(r.guard?.verdict).toBe('adapted');
    expect(r.loss.after).toBeLessThan(r.loss.before);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
