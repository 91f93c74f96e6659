import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeFusedKernel } from '../../wasm/fused/node';
import { solveLinearHeadReference } from '../../wasm/fused/reference';
import { TEST_SHAPES, maxScaledError, syntheticProblem } from '../../wasm/fused/synthetic';
import { FusedKernelError } from '../../wasm/fused/errors';
import type { FusedKernel } from '../../wasm/fused/kernel';
import type { ProblemSpec } from '../../wasm/fused/synthetic';

// Shapes cover: the standard case, d not a multiple of 4, d = 1, k = 1, k < 4, k = 4·m + r.
// Plus d = 1 and a d wider than the SIMD blocks.
const SHAPES = [...TEST_SHAPES, [5, 1, 2], [40, 130, 7]] as const;
const VARIANTS: Array<Pick<ProblemSpec, 'loss' | 'init' | 'perParam' | 'lr'>> = [
  { loss: 'softmax-ce', init: 'learned', lr: 0.5 },
  { loss: 'softmax-ce', init: 'learned', lr: 0.5, perParam: true },
  { loss: 'softmax-ce', init: 'prototype', lr: 0.5 },
  { loss: 'softmax-ce', init: 'prototype', lr: 0.5, perParam: true },
  { loss: 'mse', init: 'learned', lr: 0.1 },
  { loss: 'mse', init: 'learned', lr: 0.1, perParam: true },
];

let kernel: FusedKernel;
beforeAll(async () => {
  kernel = await createNodeFusedKernel();
});

describe('fused SIMD linear-head kernel vs the float64 oracle', () => {
  for (const v of VARIANTS) {
    const label = `${v.loss}, ${v.init} init, ${v.perParam ? 'per-parameter' : 'scalar'} lr`;
    it(`${label}: W, b and both losses match to 1e-5 over every shape`, () => {
      SHAPES.forEach(([n, d, k], s) => {
        const p = syntheticProblem({ ...v, n, d, k, steps: 10 }, 100 + s);
        const got = kernel.solve(p);
        const want = solveLinearHeadReference(p);
        const where = `n=${n} d=${d} k=${k}`;
        expect(maxScaledError(got.w, want.w), where).toBeLessThan(1e-5);
        expect(maxScaledError(got.b, want.b), where).toBeLessThan(1e-5);
        expect(maxScaledError([got.lossBefore, got.lossAfter], [want.lossBefore, want.lossAfter]), where).toBeLessThan(1e-5);
        expect(got.w).toHaveLength(d * k);
        expect(got.b).toHaveLength(k);
      });
    });
  }

  it('actually adapts: the loss falls and the head moves away from its start', () => {
    const p = syntheticProblem({ loss: 'softmax-ce', init: 'learned', lr: 0.5, n: 25, d: 64, k: 5, steps: 10 }, 3);
    const got = kernel.solve(p);
    expect(got.lossAfter).toBeLessThan(got.lossBefore * 0.8);
    expect(maxScaledError(got.w, p.w0!)).toBeGreaterThan(1e-2);
  });

  it('zero steps: returns the initial head (or the prototypes) and lossBefore = lossAfter', () => {
    const learned = syntheticProblem({ loss: 'mse', init: 'learned', lr: 0.1, n: 9, d: 6, k: 3, steps: 0 }, 5);
    const a = kernel.solve(learned);
    expect(Array.from(a.w)).toEqual(Array.from(learned.w0!));
    expect(Array.from(a.b)).toEqual(Array.from(learned.b0!));
    expect(a.lossAfter).toBe(a.lossBefore);
    const proto = syntheticProblem({ loss: 'softmax-ce', init: 'prototype', lr: 0.5, n: 12, d: 7, k: 4, steps: 0 }, 6);
    const b = kernel.solve(proto);
    const want = solveLinearHeadReference(proto);
    expect(maxScaledError(b.w, want.w)).toBeLessThan(1e-6);
    expect(maxScaledError(b.b, want.b)).toBeLessThan(1e-6);
    expect(maxScaledError([b.lossBefore], [want.lossBefore])).toBeLessThan(1e-6);
    expect(b.lossAfter).toBe(b.lossBefore);
  });

  it('one step equals the analytic gradient step the oracle takes, including the bias', () => {
    const p = syntheticProblem({ loss: 'softmax-ce', init: 'learned', lr: 1, n: 6, d: 5, k: 3, steps: 1 }, 8);
    const got = kernel.solve(p);
    const want = solveLinearHeadReference(p);
    expect(maxScaledError(got.b, want.b)).toBeLessThan(1e-6);
    expect(maxScaledError(got.w, want.w)).toBeLessThan(1e-6);
  });

  it('is deterministic: the same problem gives bit-identical results, also after other problems', () => {
    const p = syntheticProblem({ loss: 'softmax-ce', init: 'prototype', lr: 0.5, n: 25, d: 64, k: 5, steps: 10, perParam: true }, 9);
    const first = kernel.solve(p);
    kernel.solve(syntheticProblem({ loss: 'mse', init: 'learned', lr: 0.1, n: 50, d: 99, k: 9, steps: 3 }, 10));
    const second = kernel.solve(p);
    expect(Buffer.from(second.w.buffer).equals(Buffer.from(first.w.buffer))).toBe(true);
    expect(Buffer.from(second.b.buffer).equals(Buffer.from(first.b.buffer))).toBe(true);
    expect(Object.is(second.lossBefore, first.lossBefore) && Object.is(second.lossAfter, first.lossAfter)).toBe(true);
  });

  it('does not mutate its inputs, and results do not alias wasm memory', () => {
    const p = syntheticProblem({ loss: 'softmax-ce', init: 'learned', lr: 0.5, n: 10, d: 8, k: 3, steps: 4, perParam: true }, 11);
    const copy = structuredClone(p);
    const got = kernel.solve(p);
    expect(p).toEqual(copy);
    const saved = got.w.slice();
    kernel.solve(syntheticProblem({ loss: 'softmax-ce', init: 'learned', lr: 0.5, n: 10, d: 8, k: 3, steps: 4 }, 12));
    expect(got.w).toEqual(saved);
  });
});

describe('fused kernel memory', () => {
  it('1,000 calls keep memory.buffer.byteLength constant after the first', async () => {
    const fresh = await createNodeFusedKernel();
    const p = syntheticProblem({ loss: 'softmax-ce', init: 'learned', lr: 0.5, n: 25, d: 64, k: 5, steps: 10 }, 13);
    fresh.solve(p);
    const after1 = fresh.memoryBytes();
    for (let i = 0; i < 1000; i++) fresh.solve(p);
    expect(fresh.memoryBytes()).toBe(after1);
  });

  it('grows for a larger problem, then smaller problems reuse it', async () => {
    const fresh = await createNodeFusedKernel();
    const start = fresh.memoryBytes();
    const big = syntheticProblem({ loss: 'mse', init: 'learned', lr: 0.01, n: 200, d: 300, k: 10, steps: 1 }, 14);
    const got = fresh.solve(big);
    expect(fresh.memoryBytes()).toBeGreaterThan(start);
    expect(maxScaledError(got.w, solveLinearHeadReference(big).w)).toBeLessThan(1e-5);
    const grown = fresh.memoryBytes();
    for (let i = 0; i < 50; i++) fresh.solve(syntheticProblem({ loss: 'softmax-ce', init: 'prototype', lr: 0.5, n: 20 + i, d: 30, k: 4, steps: 2 }, i));
    fresh.solve(big);
    expect(fresh.memoryBytes()).toBe(grown);
  });
});

describe('fused kernel input validation', () => {
  const base = syntheticProblem({ loss: 'softmax-ce', init: 'learned', lr: 0.5, n: 6, d: 4, k: 3, steps: 2 }, 15);
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['label out of range', { labels: Int32Array.from([0, 1, 2, 3, 0, 1]) }, /label 3 is outside \[0, 3\)/],
    ['negative label', { labels: Int32Array.from([0, 1, -1, 0, 1, 2]) }, /label -1/],
    ['x of the wrong length', { x: new Float32Array(23) }, /x has length 23, expected 24/],
    ['x not float32', { x: new Float64Array(24) }, /x must be a Float32Array/],
    ['missing w0', { w0: undefined }, /w0 must be a Float32Array/],
    ['fractional steps', { steps: 1.5 }, /steps must be a non-negative integer/],
    ['negative steps', { steps: -1 }, /steps/],
    ['zero rows', { n: 0 }, /n must be a positive integer/],
    ['non-finite lr', { lr: Number.NaN }, /lr must be finite/],
    ['short per-parameter lr', { lr: { w: new Float32Array(11), b: new Float32Array(3) } }, /lr\.w has length 11, expected 12/],
    ['prototype init with an empty class', { init: 'prototype', labels: Int32Array.from([0, 1, 0, 1, 0, 1]) }, /class 2 has no example/],
    ['prototype init with mse', { loss: 'mse', init: 'prototype', targets: new Float32Array(18) }, /softmax-ce only/],
    ['mse without targets', { loss: 'mse' }, /targets must be a Float32Array/],
  ];
  for (const [name, patch, message] of cases) {
    it(`rejects ${name} with fused_invalid_problem`, () => {
      const bad = { ...base, ...patch } as typeof base;
      let error: unknown;
      try {
        kernel.solve(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FusedKernelError);
      expect((error as FusedKernelError).code).toBe('fused_invalid_problem');
      expect((error as Error).message).toMatch(message);
    });
  }

  it('stays usable after a rejected problem', () => {
    expect(() => kernel.solve({ ...base, n: 0 })).toThrow(FusedKernelError);
    expect(maxScaledError(kernel.solve(base).w, solveLinearHeadReference(base).w)).toBeLessThan(1e-5);
  });

  it('reports a problem too large for wasm32 memory as fused_out_of_memory, without growing', async () => {
    const fresh = await createNodeFusedKernel();
    const before = fresh.memoryBytes();
    // 65,536 rows × 65,536 classes: the logits alone would need 16 GiB, past wasm32's 4 GiB.
    const n = 1 << 16;
    const k = 1 << 16;
    const huge = { ...base, n, d: 1, k, x: new Float32Array(n), labels: new Int32Array(n), w0: new Float32Array(k), b0: new Float32Array(k) };
    expect(() => fresh.solve(huge)).toThrow(expect.objectContaining({ code: 'fused_out_of_memory' }));
    expect(fresh.memoryBytes()).toBe(before);
    expect(maxScaledError(fresh.solve(base).b, solveLinearHeadReference(base).b)).toBeLessThan(1e-5);
  });
});
