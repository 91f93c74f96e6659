import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeFusedKernel } from '../../wasm/fused/node';
import { FusedKernelError } from '../../wasm/fused/errors';
import { solveLateBlockReference } from '../../wasm/fused/late-block-reference';
import { LATE_SHAPES, lateError, syntheticLateProblem } from '../../wasm/fused/late-synthetic';
import { maxScaledError } from '../../wasm/fused/synthetic';
import type { FusedKernel } from '../../wasm/fused/kernel';
import type { LateBlockKernel, LateBlockProblem } from '../../src/engine/late-block-kernel';
import type { LateSpec } from '../../wasm/fused/late-synthetic';

const OPTIMIZERS = [
  { optimizer: 'sgd', lr: 0.05 },
  { optimizer: 'momentum', lr: 0.05 },
  { optimizer: 'adam', lr: 2e-3 },
] as const;

let fused: FusedKernel;
let kernel: LateBlockKernel;
beforeAll(async () => {
  fused = await createNodeFusedKernel();
  kernel = fused.lateBlock;
});

const problem = (shape: number, over: Partial<LateSpec>, seed: number): LateBlockProblem =>
  syntheticLateProblem({ ...LATE_SHAPES[shape]!, steps: 10, lr: 0.05, optimizer: 'sgd', ...over }, seed);

// Adam is held to tfjs over many steps (test/wasm/late-block-tfjs.test.ts) and to float64 for one
// step at 5e-5: it divides each gradient by its own magnitude, so where a weight's gradient is
// ~1e-7 (terms of ~1e-2 cancelling) the ~1e-8 float32 error of that sum moves its step by
// ~lr·5e-3 in any float32 implementation (tfjs is as far from float64 there as the kernel is).
const STEPS = { sgd: [1, 10], momentum: [1, 10], adam: [1] } as const;
const TOLERANCE = { sgd: 1e-5, momentum: 1e-5, adam: 5e-5 } as const;

describe('fused late-block kernel vs the float64 oracle', () => {
  for (const o of OPTIMIZERS) {
    for (const perParam of [false, true]) {
      it(`${o.optimizer}, ${perParam ? 'per-parameter' : 'scalar'} lr: params and losses match to ${TOLERANCE[o.optimizer]} over every shape, ${STEPS[o.optimizer].join(' and ')} steps`, () => {
        LATE_SHAPES.forEach((s, i) => {
          // With a 1×1 pool every position carries a gradient, and some kernel weights' gradients
          // cancel to ~1e-8: Adam's rescaling turns float32 rounding there into a step of up to ~lr
          // in any float32 implementation. Those shapes' Adam is held to tfjs instead
          // (test/wasm/late-block-tfjs.test.ts); SGD and momentum hold them to float64 here.
          if (o.optimizer === 'adam' && s.pool === 1) return;
          for (const steps of STEPS[o.optimizer]) {
            const p = problem(i, { ...o, steps, perParam }, 100 + i);
            const got = kernel.solve(p);
            expect(lateError(got, solveLateBlockReference(p)), `${JSON.stringify(s)} steps ${steps}`).toBeLessThan(TOLERANCE[o.optimizer]);
            expect(got.kernel).toHaveLength(p.kernel.length);
            expect(got.beta).toHaveLength(p.co);
          }
        });
      });
    }
  }

  it('actually adapts: the support loss falls and every kind of param moves', () => {
    const p = problem(0, { optimizer: 'adam', lr: 2e-3 }, 1);
    const got = kernel.solve(p);
    expect(got.lossAfter).toBeLessThan(got.lossBefore * 0.5);
    for (const n of ['kernel', 'bias', 'gamma', 'beta'] as const) expect(maxScaledError(got[n], p[n]), n).toBeGreaterThan(1e-4);
  });

  it('features(): the forward alone, as the float64 oracle computes it and as a zero-step solve returns it', () => {
    LATE_SHAPES.forEach((s, i) => {
      const p = problem(i, { steps: 0 }, 20 + i);
      const f = kernel.features(p);
      const want = solveLateBlockReference(p).features;
      expect(f).toHaveLength(want.length);
      expect(maxScaledError(f, want), JSON.stringify(s)).toBeLessThan(1e-5);
      expect(Array.from(kernel.solve(p).features)).toEqual(Array.from(f));
    });
    expect(() => kernel.features({ ...problem(0, {}, 1), z: new Float32Array(3) })).toThrow(FusedKernelError);
  });

  it('zero steps: returns the params as given and lossBefore = lossAfter = the oracle loss', () => {
    const p = problem(1, { steps: 0 }, 2);
    const got = kernel.solve(p);
    for (const n of ['kernel', 'bias', 'gamma', 'beta'] as const) expect(Array.from(got[n])).toEqual(Array.from(p[n]));
    expect(got.lossAfter).toBe(got.lossBefore);
    expect(Math.abs(got.lossBefore - solveLateBlockReference(p).lossBefore)).toBeLessThan(1e-6);
  });

  it('is deterministic: the same problem gives bit-identical results, also after other problems and the linear head', () => {
    const p = problem(0, { optimizer: 'adam', lr: 2e-3, perParam: true }, 3);
    const first = kernel.solve(p);
    kernel.solve(problem(3, {}, 4));
    const second = kernel.solve(p);
    for (const n of ['kernel', 'bias', 'gamma', 'beta'] as const) expect(Buffer.from(second[n].buffer).equals(Buffer.from(first[n].buffer)), n).toBe(true);
    expect(Object.is(second.lossBefore, first.lossBefore) && Object.is(second.lossAfter, first.lossAfter)).toBe(true);
  });

  it('does not mutate its inputs, and results do not alias wasm memory', () => {
    const p = problem(1, { optimizer: 'momentum', perParam: true }, 5);
    const copy = structuredClone(p);
    const got = kernel.solve(p);
    expect(p).toEqual(copy);
    const saved = got.kernel.slice();
    kernel.solve(problem(4, {}, 6));
    expect(got.kernel).toEqual(saved);
  });
});

describe('fused late-block kernel memory', () => {
  it('1,000 calls keep memory.buffer.byteLength constant after the first; it shares memory with the linear head', async () => {
    const fresh = await createNodeFusedKernel();
    const p = problem(0, { optimizer: 'adam', lr: 2e-3 }, 7);
    fresh.lateBlock.solve(p);
    const after1 = fresh.memoryBytes();
    for (let i = 0; i < 1000; i++) fresh.lateBlock.solve(p);
    expect(fresh.memoryBytes()).toBe(after1);
  });
});

describe('fused late-block kernel input validation', () => {
  const base = problem(4, { steps: 2 }, 8);
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a label out of range', { labels: Int32Array.from([0, 1, 2, 4, 0, 1, 2, 3]) }, /label 4 is outside \[0, 4\)/],
    ['a class with no example', { labels: Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]) }, /class 3 has none/],
    ['labels not int32', { labels: Float32Array.from([0, 1, 2, 3, 0, 1, 2, 3]) }, /labels must be an Int32Array/],
    ['z of the wrong length', { z: new Float32Array(10) }, /z has length 10, expected 256/],
    ['a kernel that does not match cin·co', { cin: 3 }, /z has length 256, expected 384/],
    ['gamma of the wrong length', { gamma: new Float32Array(4) }, /gamma has length 4, expected 5/],
    ['no complete pool window', { pool: 5 }, /no complete 5×5 pool window/],
    ['negative padding', { pad: { top: -1, bottom: 1, left: 1, right: 1 } }, /pad\.top must be a non-negative integer/],
    ['an unknown optimizer', { optimizer: 'rmsprop' }, /unknown optimizer rmsprop/],
    ['fractional steps', { steps: 1.5 }, /steps must be a non-negative integer/],
    ['zero examples', { n: 0 }, /n must be a positive integer/],
    ['a non-finite lr', { lr: Number.POSITIVE_INFINITY }, /lr must be finite/],
    ['a short per-parameter lr', { lr: { kernel: new Float32Array(3), bias: new Float32Array(5), gamma: new Float32Array(5), beta: new Float32Array(5) } }, /lr\.kernel has length 3, expected 90/],
    ['a negative epsilon', { epsilon: -1 }, /epsilon must be finite and ≥ 0/],
  ];
  for (const [name, patch, message] of cases) {
    it(`rejects ${name} with fused_invalid_problem`, () => {
      let error: unknown;
      try {
        kernel.solve({ ...base, ...patch } as LateBlockProblem);
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
    expect(lateError(kernel.solve(base), solveLateBlockReference(base))).toBeLessThan(1e-5);
  });

  it('reports a problem too large for wasm32 memory as fused_out_of_memory, without growing', async () => {
    const fresh = await createNodeFusedKernel();
    const before = fresh.memoryBytes();
    // Valid arrays, but 65,536 examples of 65,536 classes need 16 GiB of logits: past wasm32's 4 GiB.
    const n = 1 << 16;
    const huge: LateBlockProblem = { ...base, n, h: 2, w: 2, cin: 1, kh: 1, kw: 1, pad: { top: 0, bottom: 0, left: 0, right: 0 }, pool: 2, k: n, z: new Float32Array(n * 4), labels: Int32Array.from({ length: n }, (_, i) => i), kernel: new Float32Array(base.co) };
    expect(() => fresh.lateBlock.solve(huge)).toThrow(expect.objectContaining({ code: 'fused_out_of_memory' }));
    expect(fresh.memoryBytes()).toBe(before);
  });
});
