// Benchmark of the fused SIMD linear-head kernel against naive tfjs autodiff, standard case (a):
// softmax head 64→5, 25 shots, 10 SGD steps. `npx tsx bench/fused.ts [--quick]` prints one JSON
// object. `benchFused` is runtime-agnostic (no node:*), so the suite can run it in workerd too.
import * as tf from '@tensorflow/tfjs-core';
import { solveLinearHeadTfjs } from '../wasm/fused/naive-tfjs';
import { syntheticProblem } from '../wasm/fused/synthetic';
import type { FusedKernel } from '../wasm/fused/kernel';
import type { ProblemSpec } from '../wasm/fused/synthetic';

/** Standard case (a). */
export const CASE_A: ProblemSpec = { loss: 'softmax-ce', init: 'learned', lr: 0.5, n: 25, d: 64, k: 5, steps: 10 };

/** Iterations of the 96-FLOP body of `peakMulAdd` per call (~0.2–1 ms). */
const PEAK_ITERS = 100_000;
const PEAK_FLOPS_PER_ITER = 96;

export interface Stats {
  p50: number;
  p10: number;
  p90: number;
  samples: number;
  /** Calls per timed sample. */
  batch: number;
}

export interface FusedBenchResult {
  case: ProblemSpec;
  backend: string;
  /** Smallest observed step of performance.now() (workerd: ~1 ms; samples are sized to dwarf it). */
  clock_resolution_ms: number;
  /** ms per adaptation, the whole `kernel.solve` call (validation, copies in and out, the wasm loop). */
  fused_ms: Stats;
  /** ms per adaptation with steps = 0: the fixed cost (copies + one forward pass). */
  fused_zero_steps_ms: Stats;
  /** ms per adaptation of the same loop with tf.variableGrads + SGD on the current tfjs backend. */
  naive_ms: Stats;
  /** naive p50 / fused p50 (target ≥ 20). */
  ratio_naive_over_fused: number;
  /** Useful FLOPs of one fused solve of the case (d unpadded; exp/log/max count 1 each). */
  flops: number;
  achieved_gflops: number;
  /** Measured f32x4 mul+add throughput of this machine in wasm (one core). */
  peak_gflops: number;
  /** fused p50 / (flops / peak): how far from the SIMD FLOP bound (target ≤ 10). */
  time_over_flop_bound: number;
  /** Growth of the kernel's wasm memory over 1,000 adaptations after the first (expected 0). */
  memory_growth_bytes_1000: number;
}

function stats(xs: number[]): Omit<Stats, 'batch'> {
  const s = [...xs].sort((a, b) => a - b);
  const q = (f: number): number => s[Math.min(s.length - 1, Math.floor(f * s.length))]!;
  return { p50: q(0.5), p10: q(0.1), p90: q(0.9), samples: s.length };
}

/** The smallest nonzero step of performance.now() over a few ticks. */
export function clockResolutionMs(): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    let t1 = t0;
    while (t1 === t0) t1 = performance.now();
    best = Math.min(best, t1 - t0);
  }
  return best;
}

/** How many calls of `fn` take at least `minMs` on this clock. */
function calibrate(fn: () => void, minMs: number): number {
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= minMs) return batch;
    batch = dt > 0 ? Math.ceil(batch * Math.min(10, (1.2 * minMs) / dt)) : batch * 10;
  }
}

/**
 * ms per call of `fn`: after warm-up, `samples` timings of a batch sized to last ≥ `minSampleMs`, so a
 * coarse clock (workerd's) still resolves microsecond calls; median and spread over samples.
 */
function time(fn: () => void, opts: { warmup: number; samples: number; minSampleMs: number }): Stats {
  for (let i = 0; i < opts.warmup; i++) fn();
  const batch = calibrate(fn, opts.minSampleMs);
  const out: number[] = [];
  for (let s = 0; s < opts.samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    out.push((performance.now() - t0) / batch);
  }
  return { ...stats(out), batch };
}

/** FLOPs of one solve: forward 2ndk+nk, loss/grad, backward 2ndk+nk, update 2(dk+k), final forward. */
export function fusedFlops(spec: Pick<ProblemSpec, 'loss' | 'n' | 'd' | 'k' | 'steps'>): number {
  const { n, d, k, steps } = spec;
  const forward = n * k * (2 * d + 1);
  // softmax-CE per row: max, subtract, exp, sum, scale (5k) + log and the label term; MSE: 4 per entry.
  const loss = spec.loss === 'softmax-ce' ? n * (5 * k + 2) : 4 * n * k;
  const backward = 2 * n * d * k + n * k;
  const update = 2 * (d * k + k);
  return steps * (forward + loss + backward + update) + forward + loss;
}

/** Measures the machine's wasm SIMD f32 throughput (GFLOP/s) with the kernel's mul+add probe. */
export function measurePeakGflops(kernel: FusedKernel, opts: { samples: number; minSampleMs: number }): number {
  const ms = time(() => kernel.peakMulAdd(PEAK_ITERS), { warmup: 3, ...opts }).p50;
  return (PEAK_ITERS * PEAK_FLOPS_PER_ITER) / (ms * 1e6);
}

/**
 * Runs case (a) fused vs naive on the current tfjs backend (bring up wasm first) and measures peak
 * SIMD throughput. `quick` trims samples for smoke runs.
 */
export function benchFused(kernel: FusedKernel, opts: { quick?: boolean; spec?: ProblemSpec } = {}): FusedBenchResult {
  const spec = opts.spec ?? CASE_A;
  const problem = syntheticProblem(spec, 1);
  const zero = { ...problem, steps: 0 };
  const q = opts.quick === true;
  const t = { samples: q ? 9 : 31, minSampleMs: q ? 10 : 25 };
  const clock = clockResolutionMs();
  const fused = time(() => kernel.solve(problem), { warmup: q ? 50 : 500, ...t });
  const fusedZero = time(() => kernel.solve(zero), { warmup: q ? 50 : 500, ...t });
  const tensors = tf.memory().numTensors;
  const naive = time(() => solveLinearHeadTfjs(problem), { warmup: q ? 5 : 20, ...t });
  if (tf.memory().numTensors !== tensors) throw new Error('naive tfjs loop leaked tensors');
  const before = kernel.memoryBytes();
  for (let i = 0; i < 1000; i++) kernel.solve(problem);
  const flops = fusedFlops(spec);
  const peak = measurePeakGflops(kernel, { samples: q ? 5 : 11, minSampleMs: t.minSampleMs });
  return {
    case: spec,
    backend: tf.getBackend(),
    clock_resolution_ms: clock,
    fused_ms: fused,
    fused_zero_steps_ms: fusedZero,
    naive_ms: naive,
    ratio_naive_over_fused: naive.p50 / fused.p50,
    flops,
    achieved_gflops: flops / (fused.p50 * 1e6),
    peak_gflops: peak,
    time_over_flop_bound: fused.p50 / (flops / (peak * 1e6)),
    memory_growth_bytes_1000: kernel.memoryBytes() - before,
  };
}

async function main(): Promise<void> {
  // Variable specifiers keep bundlers from pulling node:* into a workerd build of this file.
  const load = (m: string): Promise<unknown> => import(/* @vite-ignore */ m);
  const { initNodeBackend } = (await load('../wasm/node')) as typeof import('../wasm/node');
  const { createNodeFusedKernel } = (await load('../wasm/fused/node')) as typeof import('../wasm/fused/node');
  const info = await initNodeBackend();
  const kernel = await createNodeFusedKernel();
  const result = benchFused(kernel, { quick: process.argv.includes('--quick') });
  console.log(JSON.stringify({ runtime: 'node', node: process.version, simd: info.simd, ...result }, null, 2));
}

if (typeof process !== 'undefined' && /bench[\\/]fused\.ts$/.test(process.argv[1] ?? '')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
