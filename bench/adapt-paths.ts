// Adaptation paths of the engine on the standard case: softmax head 64→5, 25 shots (5-way 5-shot),
// 10 SGD steps. Naive tfjs (variables + optimizer, autodiff every step) vs the engine's autodiff,
// fast and fused paths, as full `adapt()` calls. `npx tsx bench/adapt-paths.ts [--quick]` prints one
// JSON object. `benchAdaptPaths` has no node:* imports, so the perf suite can run it in workerd.
import * as tf from '@tensorflow/tfjs-core';
import { adapt, createModel, linearHeadKernel } from '../src/engine/index';
import { createRng } from '../src/util/random';
import type { AdaptPath, SupportSet } from '../src/engine/index';
import type { ModelData } from '../src/spec/model-spec';

export const CASE = { n: 25, d: 64, k: 5, steps: 10, lr: 0.5 };

export interface Timing {
  p50: number;
  p10: number;
  p90: number;
  samples: number;
  batch: number;
}

export interface AdaptPathsResult {
  case: typeof CASE;
  backend: string;
  /** Naive tfjs, reporting loss before/after like adapt() does. */
  naive_ms: Timing;
  /** Naive tfjs without any loss read-back (its cheapest form). */
  naive_lean_ms: Timing;
  autodiff_ms: Timing;
  fast_ms: Timing;
  fused_ms?: Timing;
  /** Target ≥ 10. */
  ratio_naive_over_fast: number;
  ratio_naive_lean_over_fast: number;
  ratio_naive_over_fused?: number;
  /** Kernels the fast path runs for this case (tf.profile), and per extra step. */
  fast_kernels: number;
  /** Same problem, so all paths should agree: max |W_fast − W_naive|. */
  max_abs_diff_fast_vs_naive: number;
}

/** A learned 64→5 head over identity embeddings, and a clustered 5-way 5-shot support set. */
export function benchProblem(seed = 1): { data: ModelData; support: SupportSet } {
  const rng = createRng(seed);
  const { d, k, n, steps, lr } = CASE;
  const labels = ['a', 'b', 'c', 'd', 'e'];
  const kernel = Float32Array.from({ length: d * k }, () => rng.normal() / Math.sqrt(d));
  const bias = Float32Array.from({ length: k }, () => 0.1 * rng.normal());
  const limits = { minSteps: 0, maxSteps: 100, minLr: 0, maxLr: 10, maxClasses: 20, maxExamples: 500 };
  const data: ModelData = {
    id: 'bench-64x5',
    name: 'bench',
    spec: { inputShape: [d], task: 'classification', body: [{ kind: 'identity' }], head: [{ kind: 'dense', name: 'out', units: k }] },
    defaults: { scope: 'head', steps, lr, lrMode: 'scalar', headInit: 'learned', labels, limits },
    provenance: { algorithm: 'bench', dataset: 'synthetic' },
    tensors: { 'head/out/kernel': { shape: [d, k], data: kernel }, 'head/out/bias': { shape: [k], data: bias } },
  };
  const centres = labels.map(() => Array.from({ length: d }, () => rng.normal() * 0.3));
  const inputs = Array.from({ length: n }, (_, i) => centres[i % k]!.map((v) => v + 0.3 * rng.normal()));
  return { data, support: { inputs, labels: inputs.map((_, i) => labels[i % k]!) } };
}

/**
 * The naive way: tf.variables and an SGD optimizer, autodiff (variableGrads) every step, weights read
 * back. With `losses`, it also reports the loss before and after, as `adapt()` does (like for like).
 */
export function naiveAdapt(data: ModelData, support: SupportSet, losses = true): { w: Float32Array; before: number; after: number } {
  const { k, steps, lr } = CASE;
  // tf.variable copies its initial value: the tidy frees the originals, not the variables.
  const [w, b] = tf.tidy(() => [tf.variable(tf.tensor2d(data.tensors['head/out/kernel']!.data, [CASE.d, k])), tf.variable(tf.tensor1d(data.tensors['head/out/bias']!.data))]);
  const [x, y] = tf.tidy(() => [tf.tensor2d(support.inputs), tf.cast(tf.oneHot(support.labels.map((l) => data.defaults.labels!.indexOf(l)), k), 'float32')]);
  const loss = (): tf.Scalar => tf.losses.softmaxCrossEntropy(y!, tf.add(tf.matMul(x!, w!), b!));
  const opt = tf.train.sgd(lr);
  let before = NaN;
  let after = NaN;
  for (let s = 0; s < steps; s++) {
    const cost = opt.minimize(loss, losses && s === 0, [w!, b!]);
    if (cost) {
      before = cost.dataSync()[0]!;
      cost.dispose();
    }
  }
  if (losses) {
    const l = tf.tidy(loss);
    after = l.dataSync()[0]!;
    l.dispose();
  }
  const out = new Float32Array(w!.dataSync());
  b!.dataSync();
  opt.dispose();
  tf.dispose([w!, b!, x!, y!]);
  return { w: out, before, after };
}

function stats(xs: number[], batch: number): Timing {
  const s = [...xs].sort((a, b) => a - b);
  const q = (f: number): number => s[Math.min(s.length - 1, Math.floor(f * s.length))]!;
  return { p50: q(0.5), p10: q(0.1), p90: q(0.9), samples: s.length, batch };
}

/** ms per call: warm-up, then samples of a batch sized to last ≥ minSampleMs (workerd's clock is coarse). */
export function timeIt(fn: () => void, opts: { warmup: number; samples: number; minSampleMs: number }): Timing {
  for (let i = 0; i < opts.warmup; i++) fn();
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= opts.minSampleMs) break;
    batch = dt > 0 ? Math.ceil(batch * Math.min(10, (1.2 * opts.minSampleMs) / dt)) : batch * 10;
  }
  const out: number[] = [];
  for (let s = 0; s < opts.samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    out.push((performance.now() - t0) / batch);
  }
  return stats(out, batch);
}

/** Runs the comparison on the current tfjs backend (bring up wasm first); medians after warm-up. */
export async function benchAdaptPaths(opts: { quick?: boolean } = {}): Promise<AdaptPathsResult> {
  const { data, support } = benchProblem();
  const model = createModel(data);
  const q = opts.quick === true;
  const t = { warmup: q ? 10 : 50, samples: q ? 7 : 21, minSampleMs: q ? 10 : 25 };
  const tensors = tf.memory().numTensors;
  try {
    const run = (path: AdaptPath) => () => void adapt(model, support, { path });
    const naive = timeIt(() => void naiveAdapt(data, support), t);
    const lean = timeIt(() => void naiveAdapt(data, support, false), t);
    const autodiff = timeIt(run('autodiff'), t);
    const fast = timeIt(run('fast'), t);
    const fused = linearHeadKernel() ? timeIt(run('fused'), t) : undefined;
    const w = adapt(model, support, { path: 'fast' }).head.params['head/out/kernel']!.data;
    const kernels = (await tf.profile(() => void adapt(model, support, { path: 'fast' }))).kernels.length;
    const ref = naiveAdapt(data, support).w;
    if (tf.memory().numTensors !== tensors) throw new Error('a path leaked tensors');
    return {
      case: CASE,
      backend: tf.getBackend(),
      naive_ms: naive,
      naive_lean_ms: lean,
      autodiff_ms: autodiff,
      fast_ms: fast,
      ...(fused ? { fused_ms: fused, ratio_naive_over_fused: naive.p50 / fused.p50 } : {}),
      ratio_naive_over_fast: naive.p50 / fast.p50,
      ratio_naive_lean_over_fast: lean.p50 / fast.p50,
      fast_kernels: kernels,
      max_abs_diff_fast_vs_naive: w.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0),
    };
  } finally {
    model.dispose();
  }
}

// This file is also typechecked for workerd (test/workerd imports it): no Node types below.
const proc = (globalThis as { process?: { argv: string[]; version: string; exit(code: number): never } }).process;

async function main(): Promise<void> {
  // A variable specifier keeps bundlers from pulling node:* into a workerd build of this file.
  const load = (m: string): Promise<unknown> => import(/* @vite-ignore */ m);
  const { initNodeBackend } = (await load('../wasm/node')) as { initNodeBackend(): Promise<{ simd: boolean }> };
  const info = await initNodeBackend();
  const result = await benchAdaptPaths({ quick: proc!.argv.includes('--quick') });
  console.log(JSON.stringify({ runtime: 'node', node: proc!.version, simd: info.simd, fused_kernel: linearHeadKernel()?.name ?? null, ...result }, null, 2));
}

if (proc && /bench[\\/]adapt-paths\.ts$/.test(proc.argv[1] ?? '')) {
  main().catch((e: unknown) => {
    console.error(e);
    proc.exit(1);
  });
}
