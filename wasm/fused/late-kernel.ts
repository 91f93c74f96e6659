import { FusedKernelError } from './errors';
import { memoryViews } from './memory-views';
import { validateLateInput, validateLateProblem } from './late-validate';
import type { LateBlockInput, LateBlockKernel, LateBlockProblem, LateBlockSolution } from '../../src/engine/late-block-kernel';

// Slot order of the late-block offset table (wasm/fused/assembly/late-plan.ts).
const SLOT = { z: 0, labels: 1, kernel: 2, bias: 3, gamma: 4, beta: 5, mean: 6, variance: 7, lrK: 8, lrB: 9, lrG: 10, lrBe: 11, out: 12, feat: 20 } as const;
const SLOTS = 30;
const OPTIMIZER = { sgd: 0, momentum: 1, adam: 2 } as const;

/** The late-block exports of the fused module (beside the linear head's). */
export interface LateExports {
  memory: WebAssembly.Memory;
  latePlan(n: number, h: number, w: number, cin: number, co: number, kh: number, kw: number, pt: number, pb: number, pl: number, pr: number, pool: number, k: number): number;
  lateTable(): number;
  lateSolve(steps: number, optimizer: number, perParam: number, lr: number, eps: number): number;
  lateFeatures(eps: number): number;
  lateFeatureWidth(): number;
}

export const LATE_EXPORTS = ['latePlan', 'lateTable', 'lateFeatureWidth', 'lateSolve', 'lateFeatures'];

/** The late-block kernel over an instance's exports; shares the instance (and its memory) with the linear head. */
export function bindLateBlockKernel(ex: LateExports, name: string): LateBlockKernel {
  const views = memoryViews(ex.memory, ex.lateTable(), SLOTS);
  let m = views();
  const at = (s: number): number => m.table[s]! >>> 2;

  /** Lays out the problem and copies the block and its input in; k = 1 for a forward pass alone. */
  const load = (p: LateBlockInput, k: number): void => {
    const rc = ex.latePlan(p.n, p.h, p.w, p.cin, p.co, p.kh, p.kw, p.pad.top, p.pad.bottom, p.pad.left, p.pad.right, p.pool, k);
    if (rc !== 0) throw new FusedKernelError(rc === -2 ? 'fused_out_of_memory' : 'fused_invalid_problem', `cannot lay out a late-block problem n=${p.n} ${p.h}×${p.w}×${p.cin}→${p.co} in wasm memory (code ${rc})`);
    m = views();
    m.f32.set(p.z, at(SLOT.z));
    m.f32.set(p.kernel, at(SLOT.kernel));
    m.f32.set(p.bias, at(SLOT.bias));
    m.f32.set(p.gamma, at(SLOT.gamma));
    m.f32.set(p.beta, at(SLOT.beta));
    m.f32.set(p.movingMean, at(SLOT.mean));
    m.f32.set(p.movingVariance, at(SLOT.variance));
  };

  /** FEAT [n, windows·cop] without the channel padding: [n, windows·co]. */
  const readFeatures = (p: LateBlockInput): Float32Array => {
    const width = ex.lateFeatureWidth();
    const cop = (p.co + 3) & ~3;
    const windows = width / cop;
    const base = at(SLOT.feat);
    if (cop === p.co) return m.f32.slice(base, base + p.n * width);
    const out = new Float32Array(p.n * windows * p.co);
    for (let r = 0; r < p.n * windows; r++) out.set(m.f32.subarray(base + r * cop, base + r * cop + p.co), r * p.co);
    return out;
  };

  const solve = (p: LateBlockProblem): LateBlockSolution => {
    validateLateProblem(p);
    load(p, p.k);
    m.i32.set(p.labels, at(SLOT.labels));
    const perParam = typeof p.lr !== 'number';
    if (typeof p.lr !== 'number') {
      m.f32.set(p.lr.kernel, at(SLOT.lrK));
      m.f32.set(p.lr.bias, at(SLOT.lrB));
      m.f32.set(p.lr.gamma, at(SLOT.lrG));
      m.f32.set(p.lr.beta, at(SLOT.lrBe));
    }
    const status = ex.lateSolve(p.steps, OPTIMIZER[p.optimizer], perParam ? 1 : 0, typeof p.lr === 'number' ? p.lr : 0, p.epsilon);
    if (status !== 0) throw new FusedKernelError('fused_invalid_problem', `fused late-block solve rejected the problem (code ${status})`);
    const slice = (s: number, len: number): Float32Array => m.f32.slice(at(s), at(s) + len);
    const out = m.table[SLOT.out]! >>> 3;
    return {
      kernel: slice(SLOT.kernel, p.kernel.length),
      bias: slice(SLOT.bias, p.co),
      gamma: slice(SLOT.gamma, p.co),
      beta: slice(SLOT.beta, p.co),
      lossBefore: m.f64[out]!,
      lossAfter: m.f64[out + 1]!,
      features: readFeatures(p),
    };
  };

  const features = (p: LateBlockInput): Float32Array => {
    validateLateInput(p);
    load(p, 1);
    if (ex.lateFeatures(p.epsilon) !== 0) throw new FusedKernelError('fused_invalid_problem', 'fused late-block forward rejected the input');
    return readFeatures(p);
  };

  return { name, solve, features };
}
