import * as tf from '@tensorflow/tfjs-core';
import { innerLoopTensors } from '../engine/inner-loop';
import { lossTensor } from '../engine/losses';
import { adaptedNames } from '../engine/adapted-params';
import { denseForward, taskForward, tileParams } from './batched';
import { hasConv, innerNames, zeroWaysHead } from './models';
import { outerGrad, weightNames } from './outer-grad';
import type { ForwardFn, InnerLrs } from '../engine/inner-loop';
import type { LossKind } from '../engine/losses';
import type { ParamMap } from '../engine/params';
import type { TaskBatch } from '../tasks/batch';
import type { AlgoConfig, MetaAlgorithm, OuterStep } from './types';

/** The loss of a batch's kind. */
export const lossOf = (b: TaskBatch): LossKind => (b.kind === 'regression' ? 'mse' : 'softmax-ce');

/** Scales lrs by B: the engine's loss is a mean over all tasks, so each task copy's gradient is 1/B of its own. */
export function scaleLrs(lrs: InnerLrs, B: number): InnerLrs {
  if (typeof lrs === 'number') return lrs * B;
  if (lrs instanceof tf.Tensor) return tf.mul(lrs, B);
  return Object.fromEntries(Object.entries(lrs).map(([k, v]) => [k, typeof v === 'number' ? v * B : tf.mul(v, B)]));
}

/** Dense models: every task's copy of the params in one batched computation (rank-3 matMuls), the engine's inner loop over them. */
export function batchedQueryLoss(cfg: AlgoConfig, p: ParamMap, names: readonly string[], b: TaskBatch, lrs: InnerLrs, firstOrder: boolean): tf.Scalar {
  const B = b.xs.shape[0]!;
  const tiled = { ...p, ...tileParams(p, names, B) };
  const fwd: ForwardFn = (ps, x) => denseForward(cfg.spec, ps, x);
  const adapted = innerLoopTensors(fwd, tiled, names, b.xs, b.ys, cfg.innerSteps, scaleLrs(lrs, B), lossOf(b), { firstOrder });
  return lossTensor(lossOf(b), fwd(adapted, b.xq), b.yq);
}

/**
 * Conv models: per-task filters cannot share one conv call, so tasks run one by one (each one
 * forward over its examples), and first-order only: tfjs has no gradient for Conv2DBackpropFilter
 * or MaxPoolGrad, so it cannot differentiate a conv net's inner-loop gradient again (not even to
 * find that a stop-gradient makes it zero). So the inner loop runs off the outer tape and the
 * outer gradient is taken at the adapted weights: ∇φ L_query(φ), averaged over tasks.
 */
export function loopedFirstOrderStep(cfg: AlgoConfig, p: ParamMap, names: readonly string[], b: TaskBatch): OuterStep {
  const B = b.xs.shape[0]!;
  const fwd: ForwardFn = (ps, x) => taskForward(cfg.spec, ps, x);
  const trainable = weightNames(Object.keys(p));
  const grads: ParamMap = {};
  const losses: tf.Scalar[] = [];
  for (let t = 0; t < B; t++) {
    const pick = (x: tf.Tensor): tf.Tensor => tf.squeeze(tf.slice(x, [t], [1]), [0]);
    const adapted = innerLoopTensors(fwd, p, names, pick(b.xs), pick(b.ys), cfg.innerSteps, cfg.innerLr, lossOf(b));
    const r = outerGrad(adapted, trainable, (q) => lossTensor(lossOf(b), fwd(q, pick(b.xq)), pick(b.yq)));
    for (const n of trainable) grads[n] = tf.add(grads[n] ?? tf.zerosLike(p[n]!), tf.div(r.grads[n]!, B));
    losses.push(r.loss);
  }
  return { loss: tf.mean(tf.stack(losses)) as tf.Scalar, grads };
}

/** MAML (Finn et al. 2017): all weights adapted; second order through the inner step where tfjs can take it (dense models). */
export function createMaml(cfg: AlgoConfig, opts: { firstOrder?: boolean; name?: 'maml' | 'fomaml' } = {}): MetaAlgorithm {
  const conv = hasConv(cfg.spec);
  const names = innerNames(cfg.spec, adaptedNames(cfg.spec, 'all'));
  const firstOrder = opts.firstOrder ?? false;
  return {
    name: opts.name ?? 'maml',
    secondOrder: !firstOrder && !conv,
    extraInit: (params) => zeroWaysHead(cfg.spec, cfg.ways, params),
    trainable: weightNames,
    step: (p, b) => (conv ? loopedFirstOrderStep(cfg, p, names, b) : outerGrad(p, weightNames(Object.keys(p)), (q) => batchedQueryLoss(cfg, q, names, b, cfg.innerLr, firstOrder))),
  };
}
