import { registerLateBlockKernel } from '../../src/engine/late-block-kernel';
import { registerLinearHeadKernel } from '../../src/engine/linear-head-kernel';
import type { LateBlockKernel } from '../../src/engine/late-block-kernel';
import type { LinearHeadKernel, LinearHeadProblem, LinearHeadSolution } from '../../src/engine/linear-head-kernel';
import { FusedKernelError } from './errors';
import { memoryViews } from './memory-views';
import { bindLateBlockKernel, LATE_EXPORTS } from './late-kernel';
import type { LateExports } from './late-kernel';
import { validateProblem } from './validate';

/** The name the fused kernel registers under. */
export const FUSED_KERNEL_NAME = 'fused-wasm-simd';

// Slot order of the offset table written by `plan` (wasm/fused/assembly/plan.ts).
const SLOT = { x: 0, labels: 1, targets: 2, w: 3, b: 4, lrW: 5, lrB: 6, out: 7 } as const;
const SLOTS = 13;
const EXPORTS = ['memory', 'plan', 'table', 'solve', 'peakMulAdd', ...LATE_EXPORTS];

interface FusedExports extends LateExports {
  memory: WebAssembly.Memory;
  plan(n: number, d: number, k: number): number;
  table(): number;
  solve(loss: number, prototype: number, steps: number, perParam: number, lr: number): number;
  peakMulAdd(iters: number, m: number, c: number): number;
}

/** The fused kernel plus what benchmarks and tests need to see of its instance. */
export interface FusedKernel extends LinearHeadKernel {
  /** Current size of the kernel's linear memory (grows to the largest problem, never per call). */
  memoryBytes(): number;
  /** Runs the SIMD mul+add throughput probe for `iters` iterations of 96 FLOP each. */
  peakMulAdd(iters: number): number;
  /** The late-block step kernel of the same instance (same memory): src/engine/late-block-kernel.ts. */
  lateBlock: LateBlockKernel;
}

/** Instantiates the fused kernel from its compiled module (no imports; the module exports its memory). */
export async function createFusedKernel(module: WebAssembly.Module): Promise<FusedKernel> {
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = EXPORTS.filter((n) => !names.has(n));
  if (missing.length > 0) throw new FusedKernelError('fused_bad_module', `not the fused kernels' module (missing exports: ${missing.join(', ')})`);
  const instance = await WebAssembly.instantiate(module, {});
  const ex = instance.exports as unknown as FusedExports;
  const views = memoryViews(ex.memory, ex.table(), SLOTS);

  const solve = (p: LinearHeadProblem): LinearHeadSolution => {
    validateProblem(p);
    const rc = ex.plan(p.n, p.d, p.k);
    if (rc !== 0) throw new FusedKernelError('fused_out_of_memory', `cannot lay out a ${p.n}×${p.d}→${p.k} problem in wasm memory (code ${rc})`);
    const m = views();
    const at = (s: number): number => m.table[s]! >>> 2;
    m.f32.set(p.x, at(SLOT.x));
    if (p.loss === 'softmax-ce') m.i32.set(p.labels!, at(SLOT.labels));
    else m.f32.set(p.targets!, at(SLOT.targets));
    if (p.init === 'learned') {
      m.f32.set(p.w0!, at(SLOT.w));
      m.f32.set(p.b0!, at(SLOT.b));
    }
    const perParam = typeof p.lr !== 'number';
    if (typeof p.lr !== 'number') {
      m.f32.set(p.lr.w, at(SLOT.lrW));
      m.f32.set(p.lr.b, at(SLOT.lrB));
    }
    const lr = typeof p.lr === 'number' ? p.lr : 0;
    const status = ex.solve(p.loss === 'mse' ? 1 : 0, p.init === 'prototype' ? 1 : 0, p.steps, perParam ? 1 : 0, lr);
    if (status !== 0) throw new FusedKernelError('fused_invalid_problem', `fused solve rejected the problem (code ${status})`);
    const w = at(SLOT.w);
    const b = at(SLOT.b);
    const out = m.table[SLOT.out]! >>> 3;
    return {
      w: m.f32.slice(w, w + p.d * p.k),
      b: m.f32.slice(b, b + p.k),
      lossBefore: m.f64[out]!,
      lossAfter: m.f64[out + 1]!,
    };
  };

  return {
    name: FUSED_KERNEL_NAME,
    solve,
    memoryBytes: () => ex.memory.buffer.byteLength,
    peakMulAdd: (iters) => ex.peakMulAdd(iters, 0.9999, 1e-4),
    lateBlock: bindLateBlockKernel(ex, FUSED_KERNEL_NAME),
  };
}

let installing: Promise<FusedKernel | undefined> | undefined;

/**
 * Loads the fused kernels once per isolate and registers both (linear head, late block) for the engine. Never rejects: on failure
 * it reports through `onError` (default console.warn), registers nothing, and resolves undefined, so
 * the engine keeps its tfjs path. `force` reloads.
 */
export function installFusedKernel(
  load: () => Promise<WebAssembly.Module>,
  opts: { force?: boolean; onError?: (e: unknown) => void } = {},
): Promise<FusedKernel | undefined> {
  if (installing && !opts.force) return installing;
  const onError = opts.onError ?? ((e: unknown) => console.warn(`fused kernel unavailable, using tfjs: ${e instanceof Error ? e.message : String(e)}`));
  installing = load()
    .then(createFusedKernel)
    .then((kernel) => {
      registerLinearHeadKernel(kernel);
      registerLateBlockKernel(kernel.lateBlock);
      return kernel;
    })
    .catch((e: unknown) => {
      onError(e);
      installing = undefined;
      return undefined;
    });
  return installing;
}
