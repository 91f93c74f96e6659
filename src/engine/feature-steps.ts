import * as tf from '@tensorflow/tfjs-core';
import { innerLoop, readF32 } from './inner-loop';
import { lateFeaturesFused, stepLateFused } from './late-fused';
import { resolveLrs } from './lrs';
import type { FeatureScope } from './feature-scope';
import type { InnerLoopResult } from './inner-loop';
import type { ParamLookup } from './layers';
import type { Model } from './model';
import type { ParamMap } from './params';
import type { Prepared } from './prepared';
import type { NamedTensor } from '../spec/model-spec';

/** Looks a name up in the adapted params first, then in the model's stored ones. */
export const lookIn = (model: Model, ps: ParamMap): ParamLookup => (n) => ps[n] ?? model.params[n]!;

/**
 * The one inner loop over a feature scope's params, on cached frozen features z with one-hot y: in
 * the fused kernel when the scope carries one (scope 'late', a block it takes), else tfjs autodiff.
 */
export function stepFeatures(model: Model, scope: FeatureScope, z: tf.Tensor, y: tf.Tensor, p: Prepared, steps: number): InnerLoopResult & { features?: Float32Array } {
  if (scope.fused) return stepLateFused(model, scope.fused.kernel, scope.fused.shape, z, y, p, steps);
  const shapes = Object.fromEntries(scope.names.map((n) => [n, model.params[n]!.shape]));
  const lrs = resolveLrs(model, shapes, p.lr);
  const lrTensors = lrs.kind === 'scalar' ? undefined : Object.fromEntries(scope.names.map((n) => [n, tf.tensor(lrs.lrs[n]!, shapes[n])]));
  try {
    return innerLoop((ps, zz) => scope.tail(lookIn(model, ps), zz), model.params, scope.names, z, y, steps, lrTensors ?? p.lr, scope.loss, { optimizer: p.optimizer });
  } finally {
    tf.dispose(Object.values(lrTensors ?? {}));
  }
}

/**
 * The scope's features [n, d] of cached prefix output z, read back: with the stored params, or with
 * `params` (adapted, read back) over them. The fused kernel computes them when the scope has one.
 */
export function featuresOf(model: Model, scope: FeatureScope, params: Record<string, NamedTensor> | undefined, z: tf.Tensor): Float32Array {
  if (scope.fused) return lateFeaturesFused(model, scope.fused.kernel, scope.fused.shape, z, params);
  const f = tf.tidy(() => {
    const adapted: ParamMap = Object.fromEntries(Object.entries(params ?? {}).map(([n, t]) => [n, tf.tensor(t.data, t.shape)]));
    return scope.tail(lookIn(model, adapted), z);
  });
  const out = readF32(f);
  f.dispose();
  return out;
}
