import * as tf from '@tensorflow/tfjs-core';
import type { InnerOptimizer } from '../spec/model-spec';
import type { ParamMap } from './params';

/**
 * The inner loop's update rule, a setting of the one loop: plain SGD (MAML's), SGD with heavy-ball
 * momentum, or Adam. Momentum and Adam follow torch.optim exactly (momentum 0.9, dampening 0, buffer
 * starts at the first gradient; Adam β = (0.9, 0.999), ε = 1e-8 added to √v̂, both moments bias
 * corrected), so a PyTorch recipe fine-tunes to the same numbers here. Their state lives for one
 * adaptation: a head never carries it.
 */
export type { InnerOptimizer } from '../spec/model-spec';
export { INNER_OPTIMIZERS } from '../spec/model-spec';

export const MOMENTUM = 0.9;
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;

/** Per-param state: momentum's buffer, or Adam's first and second moments; `t` counts steps taken. */
export interface OptimizerState {
  t: number;
  m: ParamMap;
  v: ParamMap;
}

export const emptyState = (): OptimizerState => ({ t: 0, m: {}, v: {} });

/** Every tensor a state holds (for disposal between request-time steps). */
export const stateTensors = (s: OptimizerState): tf.Tensor[] => [...Object.values(s.m), ...Object.values(s.v)];

/**
 * One update p ← p − lr·d(g) of every name, where d is the rule's direction. Returns the new params
 * and the new state; the old state's tensors are the caller's to dispose. Differentiable (the
 * meta-training path may keep it on the tape).
 */
export function applyUpdate(
  kind: InnerOptimizer,
  params: ParamMap,
  grads: ParamMap,
  names: readonly string[],
  lrOf: (name: string) => number | tf.Tensor,
  state: OptimizerState,
): { params: ParamMap; state: OptimizerState } {
  const next: ParamMap = { ...params };
  const t = state.t + 1;
  const out: OptimizerState = { t, m: {}, v: {} };
  for (const n of names) {
    const g = grads[n]!;
    let dir: tf.Tensor;
    if (kind === 'sgd') dir = g;
    else if (kind === 'momentum') {
      dir = state.m[n] ? tf.add(tf.mul(state.m[n]!, MOMENTUM), g) : tf.clone(g);
      out.m[n] = dir;
    } else {
      const m = state.m[n] ? tf.add(tf.mul(state.m[n]!, ADAM_BETA1), tf.mul(g, 1 - ADAM_BETA1)) : tf.mul(g, 1 - ADAM_BETA1);
      const v = state.v[n] ? tf.add(tf.mul(state.v[n]!, ADAM_BETA2), tf.mul(tf.square(g), 1 - ADAM_BETA2)) : tf.mul(tf.square(g), 1 - ADAM_BETA2);
      out.m[n] = m;
      out.v[n] = v;
      // torch's own order: m / (√v / √(1 − β2ᵗ) + ε), scaled by 1 / (1 − β1ᵗ) — one division per param.
      const denom = tf.add(tf.mul(tf.sqrt(v), 1 / Math.sqrt(1 - ADAM_BETA2 ** t)), ADAM_EPS);
      dir = tf.mul(tf.div(m, denom), 1 / (1 - ADAM_BETA1 ** t));
    }
    next[n] = tf.sub(params[n]!, tf.mul(lrOf(n), dir));
  }
  return { params: next, state: out };
}
