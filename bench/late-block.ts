// The fused late-block kernel against the engine's tfjs autodiff loop on the default glyphs model's
// last block: z [25,3,3,32] (5-way 5-shot), conv 3×3×32→32 'same', batch norm, relu, 2×2 pool,
// proto-ce, 10 Adam steps at lr 2e-3 (the bundle's recipe). Both in the same run, so the ratio is
// like for like. `npx tsx bench/late-block.ts [--quick]` prints one JSON object; `benchLateBlock`
// has no node:* imports, so the suite runs it in workerd too.
import * as tf from '@tensorflow/tfjs-core';
import { solveLateBlockTfjs } from '../wasm/fused/late-block-tfjs';
import { lateError, syntheticLateProblem } from '../wasm/fused/late-synthetic';
import { timeCalls, timeOptions } from './suite/stats';
import type { LateBlockKernel } from '../src/engine/late-block-kernel';
import type { LateSpec } from '../wasm/fused/late-synthetic';
import type { Stats } from './suite/stats';

export const LATE_CASE: LateSpec = { n: 25, h: 3, w: 3, cin: 32, co: 32, ks: 3, padding: 'same', pool: 2, k: 5, steps: 10, lr: 2e-3, optimizer: 'adam' };

export interface LateBlockBenchResult {
  case: LateSpec;
  backend: string;
  /** ms per `kernel.solve` (validation, copies in and out, the wasm loop). */
  fused_ms: Stats;
  /** The same with steps = 0: the fixed cost (copies, packing, one forward). */
  fused_zero_steps_ms: Stats;
  /** ms of the same steps through lateTail + innerLoop (tfjs autodiff, ~150 kernels per step). */
  tfjs_autodiff_ms: Stats;
  /** tfjs p50 / fused p50. */
  ratio_tfjs_over_fused: number;
  /** Multiply-adds of one step (forward over the 2×2 pooled outputs only, plus the kernel gradient at each window's argmax). */
  mac_per_step: number;
  /** Worst scaled difference between the two results (they must agree). */
  max_error_vs_tfjs: number;
}

/** Times both on the current backend (bring up wasm first). */
export async function benchLateBlock(kernel: LateBlockKernel, opts: { quick?: boolean } = {}): Promise<LateBlockBenchResult> {
  const p = syntheticLateProblem(LATE_CASE, 1);
  const t = timeOptions(opts.quick === true, true);
  const tensors = tf.memory().numTensors;
  const fused = await timeCalls(() => kernel.solve(p), t);
  const zero = await timeCalls(() => kernel.solve({ ...p, steps: 0 }), t);
  const tfjs = await timeCalls(() => solveLateBlockTfjs(p), t);
  if (tf.memory().numTensors !== tensors) throw new Error('the tfjs late-block loop leaked tensors');
  const taps = p.kh * p.kw * p.cin;
  // 'same' at stride 1: the conv output is h×w, and floor pooling keeps ⌊h/p⌋·⌊w/p⌋ windows.
  const windows = p.n * Math.floor(p.h / p.pool) * Math.floor(p.w / p.pool);
  return {
    case: LATE_CASE,
    backend: tf.getBackend(),
    fused_ms: fused,
    fused_zero_steps_ms: zero,
    tfjs_autodiff_ms: tfjs,
    ratio_tfjs_over_fused: tfjs.p50 / fused.p50,
    mac_per_step: windows * (p.pool * p.pool + 1) * taps * p.co,
    max_error_vs_tfjs: lateError(kernel.solve(p), solveLateBlockTfjs(p)),
  };
}

const proc = (globalThis as { process?: { argv: string[]; exit(code: number): never } }).process;

async function main(): Promise<void> {
  // A variable specifier keeps bundlers from pulling node:* into a workerd build of this file.
  const load = (m: string): Promise<unknown> => import(/* @vite-ignore */ m);
  const { initNodeBackend } = (await load('../wasm/node')) as { initNodeBackend(): Promise<unknown> };
  const { createNodeFusedKernel } = (await load('../wasm/fused/node')) as { createNodeFusedKernel(): Promise<{ lateBlock: LateBlockKernel }> };
  await initNodeBackend();
  const result = await benchLateBlock((await createNodeFusedKernel()).lateBlock, { quick: proc!.argv.includes('--quick') });
  console.log(JSON.stringify({ runtime: 'node', ...result }, null, 2));
}

if (proc && /bench[\\/]late-block\.ts$/.test(proc.argv[1] ?? '')) {
  main().catch((e: unknown) => {
    console.error(e);
    proc.exit(1);
  });
}
