// Case (b): the default glyphs model (conv body + prototype head), 5-way 5-shot: the whole `adapt()`
// (body forward over 25 images + head adaptation), its parts, and predict of 5 inputs.
import * as tf from '@tensorflow/tfjs-core';
import { adapt, linearHeadKernel, predict } from '../../src/engine/index';
import { isLinearHead } from '../../src/engine/linear-paths';
import { forwardFlops } from './flops';
import { kernelCount } from './ops';
import { timeCalls, timeOptions } from './stats';
import type { AdaptPath, Model, SupportSet } from '../../src/engine/index';
import type { Stats } from './stats';

/** Request-shaped inputs of case (b): a few support sets (rotated between calls) and 5 queries. */
export interface CaseBInputs {
  supports: SupportSet[];
  queries: number[][];
}

export interface CaseBResult {
  /** The whole adapt() on the default path (fused when the kernel is installed). */
  adapt_ms: Stats;
  adapt_path: AdaptPath;
  /** The tfjs fast path of a linear head (null: the model adapts more than a linear head, e.g. scope 'film'). */
  adapt_fast_ms: Stats | null;
  adapt_autodiff_ms: Stats;
  /** Body forward of the 25 support images alone, read back (what every path pays: the model's frozen forward). */
  embed_ms: Stats;
  predict_ms: Stats;
  /** tfjs kernels per call. */
  kernels: { adapt: number; adapt_fast: number | null; adapt_autodiff: number; predict: number };
  embed_dim: number;
  /** Body forward FLOPs of one image (from the spec) and the throughput the body forward reached. */
  body_mflops_per_example: number;
  embed_gflops: number;
}

/** Times case (b) on a created glyphs model (bring up the backend first). */
export async function benchCaseB(model: Model, inputs: CaseBInputs, opts: { quick: boolean }): Promise<CaseBResult> {
  const t = timeOptions(opts.quick, true);
  // The model's head cache keeps the heads predict used (disposed with the model): not a leak.
  const live = (): number => tf.memory().numTensors - model.heads.tensors;
  const tensors = live();
  let i = 0;
  const next = (): SupportSet => inputs.supports[i++ % inputs.supports.length]!;
  const run = (path?: AdaptPath) => () => adapt(model, next(), path ? { path } : {});
  const first = adapt(model, inputs.supports[0]!);
  const linear = isLinearHead(model);
  const head = first.head;
  const x = inputs.supports[0]!.inputs;
  const embed = (): void => {
    const e = tf.tidy(() => model.embed(tf.tensor2d(x), model.frozenForward));
    e.dataSync();
    e.dispose();
  };
  const result: CaseBResult = {
    adapt_ms: await timeCalls(run(), t),
    adapt_path: first.path,
    adapt_fast_ms: linear ? await timeCalls(run('fast'), t) : null,
    adapt_autodiff_ms: await timeCalls(run('autodiff'), t),
    embed_ms: await timeCalls(embed, t),
    predict_ms: await timeCalls(() => predict(model, head, inputs.queries), timeOptions(opts.quick)),
    kernels: {
      adapt: await kernelCount(run()),
      adapt_fast: linear ? await kernelCount(run('fast')) : null,
      adapt_autodiff: await kernelCount(run('autodiff')),
      predict: await kernelCount(() => predict(model, head, inputs.queries)),
    },
    embed_dim: model.embedShape[0]!,
    body_mflops_per_example: 0,
    embed_gflops: 0,
  };
  const flops = forwardFlops(model.spec.body, model.spec.inputShape).flops;
  result.body_mflops_per_example = flops / 1e6;
  result.embed_gflops = (flops * x.length) / (result.embed_ms.p50 * 1e6);
  if (live() !== tensors) throw new Error('case (b) leaked tensors');
  if (linear && linearHeadKernel() && first.path !== 'fused') throw new Error(`case (b) took the ${first.path} path with a fused kernel installed`);
  return result;
}
