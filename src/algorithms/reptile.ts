import * as tf from '@tensorflow/tfjs-core';
import { innerLoopTensors } from '../engine/inner-loop';
import { lossTensor } from '../engine/losses';
import { adaptedNames } from '../engine/adapted-params';
import { denseForward, taskForward, tileParams } from './batched';
import { lossOf, scaleLrs } from './maml';
import { hasConv, innerNames, zeroWaysHead } from './models';
import { weightNames } from './outer-grad';
import type { ForwardFn } from '../engine/inner-loop';
import type { ParamMap } from '../engine/params';
import type { TaskBatch } from '../tasks/batch';
import type { AlgoConfig, MetaAlgorithm, OuterStep } from './types';

/**
 * Reptile (Nichol et al. 2018): adapt each task with the engine's inner loop on all its examples,
 * then move the init towards the adapted weights: the pseudo-gradient θ − mean_b φ_b goes to the
 * outer optimizer. No differentiation through anything. Dense models: all tasks batched.
 */
export function createReptile(cfg: AlgoConfig): MetaAlgorithm {
  const conv = hasConv(cfg.spec);
  const names = innerNames(cfg.spec, adaptedNames(cfg.spec, 'all'));
  const step = (p: ParamMap, b: TaskBatch): OuterStep => {
    const B = b.xs.shape[0]!;
    const x = tf.concat([b.xs, b.xq], 1);
    const y = tf.concat([b.ys, b.yq], 1);
    const grads: ParamMap = {};
    if (!conv) {
      const fwd: ForwardFn = (ps, xx) => denseForward(cfg.spec, ps, xx);
      const adapted = innerLoopTensors(fwd, { ...p, ...tileParams(p, names, B) }, names, x, y, cfg.innerSteps, scaleLrs(cfg.innerLr, B), lossOf(b));
      for (const n of names) grads[n] = tf.sub(p[n]!, tf.reshape(tf.mean(adapted[n]!, 0), p[n]!.shape));
      return { loss: lossTensor(lossOf(b), fwd(adapted, b.xq), b.yq), grads };
    }
    const fwd: ForwardFn = (ps, xx) => taskForward(cfg.spec, ps, xx);
    const losses: tf.Scalar[] = [];
    for (let t = 0; t < B; t++) {
      const pick = (z: tf.Tensor): tf.Tensor => tf.squeeze(tf.slice(z, [t], [1]), [0]);
      const adapted = innerLoopTensors(fwd, p, names, pick(x), pick(y), cfg.innerSteps, cfg.innerLr, lossOf(b));
      for (const n of names) grads[n] = tf.add(grads[n] ?? tf.zerosLike(p[n]!), tf.div(tf.sub(p[n]!, adapted[n]!), B));
      losses.push(lossTensor(lossOf(b), fwd(adapted, pick(b.xq)), pick(b.yq)));
    }
    return { loss: tf.mean(tf.stack(losses)) as tf.Scalar, grads };
  };
  return { name: 'reptile', secondOrder: false, extraInit: (params) => zeroWaysHead(cfg.spec, cfg.ways, params), trainable: weightNames, step };
}
