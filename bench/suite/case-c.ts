// Case (c): the sinusoid MLP 1-40-40-1, K = 10, full-network adaptation (scope 'all'), 10 steps:
// the engine's autodiff inner loop, the only path for a multi-layer adapted set.
import * as tf from '@tensorflow/tfjs-core';
import { adapt } from '../../src/engine/index';
import { createRng } from '../../src/util/random';
import { kernelCount } from './ops';
import { timeCalls, timeOptions } from './stats';
import type { Model, SupportSet } from '../../src/engine/index';
import type { Stats } from './stats';

export interface CaseCResult {
  adapt_ms: Stats;
  steps: number;
  /** tfjs kernels per adapt() and per inner step (the JS-dispatched ops that dominate at this size). */
  kernels: number;
  kernels_per_step: number;
  loss: { before: number; after: number };
}

/** K points of a seeded sinusoid task (Finn et al.: amplitude U[0.1, 5], phase U[0, π], x U[−5, 5]). */
export function sineSupport(k: number, seed: number): SupportSet {
  const rng = createRng(seed);
  const amplitude = 0.1 + 4.9 * rng.next();
  const phase = Math.PI * rng.next();
  const xs = Array.from({ length: k }, () => -5 + 10 * rng.next());
  return { inputs: xs.map((x) => [x]), labels: xs.map((x) => amplitude * Math.sin(x + phase)) };
}

/** Times case (c) on a created sinusoid model with scope 'all' (bring up the backend first). */
export async function benchCaseC(model: Model, opts: { quick: boolean }): Promise<CaseCResult> {
  if (model.defaults.scope !== 'all') throw new Error(`case (c) needs a scope 'all' model, got '${model.defaults.scope}'`);
  const support = sineSupport(10, 7);
  const steps = 10;
  const tensors = tf.memory().numTensors;
  const once = adapt(model, support, { steps });
  const zero = await kernelCount(() => adapt(model, support, { steps: 0 }));
  const kernels = await kernelCount(() => adapt(model, support, { steps }));
  const result: CaseCResult = {
    adapt_ms: await timeCalls(() => adapt(model, support, { steps }), timeOptions(opts.quick)),
    steps,
    kernels,
    kernels_per_step: (kernels - zero) / steps,
    loss: once.loss,
  };
  if (tf.memory().numTensors !== tensors) throw new Error('case (c) leaked tensors');
  return result;
}
