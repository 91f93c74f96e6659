// Case (a): a linear softmax head 64→5 over 64-d embeddings (identity body), 25 shots, 10 SGD steps.
// naive = tfjs variables + autodiff per step (wasm/fused/naive-tfjs.ts); fast/fused/autodiff = the
// engine's `adapt()` paths, whole calls; kernel = the fused `solve()` alone. Same problem for all.
import * as tf from '@tensorflow/tfjs-core';
import { adapt, createModel, linearHeadKernel } from '../../src/engine/index';
import { solveLinearHeadTfjs } from '../../wasm/fused/naive-tfjs';
import { syntheticProblem } from '../../wasm/fused/synthetic';
import { timeCalls, timeOptions } from './stats';
import type { AdaptPath, Model, SupportSet } from '../../src/engine/index';
import type { LinearHeadProblem } from '../../src/engine/linear-head-kernel';
import type { ModelData } from '../../src/spec/model-spec';
import type { Stats } from './stats';

export const CASE_A = { loss: 'softmax-ce', init: 'learned', n: 25, d: 64, k: 5, steps: 10, lr: 0.5 } as const;

export interface CaseAResult {
  naive_ms: Stats;
  autodiff_ms: Stats;
  fast_ms: Stats;
  /** Absent when no fused kernel is installed. */
  fused_ms?: Stats;
  kernel_only_ms?: Stats;
  /** max |W_path − W_naive| after 10 steps: the paths solve the same problem. */
  max_abs_diff_vs_naive: Record<string, number>;
}

const LABELS = ['a', 'b', 'c', 'd', 'e'];

/** The seeded problem as a model (identity body, learned dense head) plus its support set. */
export function caseAModel(seed = 1): { data: ModelData; support: SupportSet; problem: LinearHeadProblem } {
  const problem = syntheticProblem({ ...CASE_A }, seed);
  const { n, d, k } = CASE_A;
  const limits = { minSteps: 0, maxSteps: 100, minLr: 0, maxLr: 10, maxClasses: 20, maxExamples: 500 };
  const data: ModelData = {
    id: 'bench-case-a',
    name: 'bench-case-a',
    spec: { inputShape: [d], task: 'classification', body: [{ kind: 'identity' }], head: [{ kind: 'dense', name: 'out', units: k }] },
    defaults: { scope: 'head', steps: CASE_A.steps, lr: CASE_A.lr, lrMode: 'scalar', headInit: 'learned', labels: LABELS, limits },
    provenance: { algorithm: 'bench', dataset: 'synthetic' },
    tensors: { 'head/out/kernel': { shape: [d, k], data: problem.w0! }, 'head/out/bias': { shape: [k], data: problem.b0! } },
  };
  const inputs = Array.from({ length: n }, (_, i) => Array.from(problem.x.subarray(i * d, (i + 1) * d)));
  return { data, support: { inputs, labels: Array.from(problem.labels!, (y) => LABELS[y]!) }, problem };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

function kernelOf(model: Model, support: SupportSet, path: AdaptPath): Float32Array {
  return adapt(model, support, { path }).head.params['head/out/kernel']!.data;
}

/** Times case (a) on the live backend (bring up wasm, and the fused kernel, first). */
export async function benchCaseA(opts: { quick: boolean }): Promise<CaseAResult> {
  const { data, support, problem } = caseAModel();
  const model = createModel(data);
  const t = timeOptions(opts.quick);
  const tensors = tf.memory().numTensors;
  try {
    const run = (path: AdaptPath) => () => adapt(model, support, { path });
    const naive = await timeCalls(() => solveLinearHeadTfjs(problem), t);
    const autodiff = await timeCalls(run('autodiff'), t);
    const fast = await timeCalls(run('fast'), t);
    const kernel = linearHeadKernel();
    const fused = kernel ? await timeCalls(run('fused'), t) : undefined;
    const kernelOnly = kernel ? await timeCalls(() => kernel.solve(problem), t) : undefined;
    const ref = solveLinearHeadTfjs(problem).w;
    const paths: AdaptPath[] = kernel ? ['autodiff', 'fast', 'fused'] : ['autodiff', 'fast'];
    const diffs = Object.fromEntries(paths.map((p) => [p, maxDiff(kernelOf(model, support, p), ref)]));
    if (tf.memory().numTensors !== tensors) throw new Error('case (a) leaked tensors');
    return { naive_ms: naive, autodiff_ms: autodiff, fast_ms: fast, ...(fused ? { fused_ms: fused, kernel_only_ms: kernelOnly! } : {}), max_abs_diff_vs_naive: diffs };
  } finally {
    model.dispose();
  }
}
