import * as tf from '@tensorflow/tfjs-core';
import { filmTail } from '../engine/film';
import { filmCut, filmNames } from '../engine/adapted-params';
import { innerLoopTensors } from '../engine/inner-loop';
import { lossTensor } from '../engine/losses';
import { prototypeHead } from '../engine/prototype';
import { trainBatchNorm } from './fast-batch-norm';
import { trainBody } from './batched';
import { outerGrad, weightNames } from './outer-grad';
import type { ParamLookup } from '../engine/layers';
import type { ParamMap } from '../engine/params';
import type { TaskBatch } from '../tasks/batch';
import type { AlgoConfig, MetaAlgorithm } from './types';

/**
 * ProtoNets with request-time feature adaptation in the loop (scope 'film', src/engine/film.ts):
 * per task, the inner loop adapts the last batch norm's γ, β on the support features' centroid-ratio
 * loss, exactly as the edge does; the query loss is taken against the prototypes of the adapted
 * support features. True second order through the inner steps (they act on elementwise ops after the
 * last conv, and the loss has exact second derivatives); first order through the convolutions.
 */
export function filmAdaptedLoss(cfg: AlgoConfig, q: ParamMap, b: TaskBatch): tf.Scalar {
  const { spec } = cfg;
  const [B, ns] = b.xs.shape as [number, number];
  const nq = b.xq.shape[1]!;
  const cut = filmCut(spec);
  const bn = spec.body[cut]! as { epsilon?: number };
  // One body call over every image of the meta-batch (batch statistics over all of it), up to ẑ.
  const x = tf.reshape(tf.concat([b.xs, b.xq], 1), [B * (ns + nq), ...spec.inputShape]);
  const h = trainBody({ ...spec, body: spec.body.slice(0, cut) }, q, x);
  const c = h.shape.at(-1)!;
  const z = trainBatchNorm(h, tf.ones([c]), tf.zeros([c]), bn.epsilon ?? 1e-3);
  const zt = tf.reshape(z, [B, ns + nq, ...z.shape.slice(1)]);
  const names = filmNames(spec);
  const losses: tf.Scalar[] = [];
  for (let t = 0; t < B; t++) {
    const zi = tf.squeeze(tf.slice(zt, [t], [1]), [0]);
    const [zs, zq] = tf.split(zi, [ns, nq], 0);
    const ys = tf.squeeze(tf.slice(b.ys, [t], [1]), [0]) as tf.Tensor2D;
    const yq = tf.squeeze(tf.slice(b.yq, [t], [1]), [0]) as tf.Tensor2D;
    const look = (ps: ParamMap): ParamLookup => (n) => ps[n] ?? q[n]!;
    const adapted = innerLoopTensors((ps, zz) => filmTail(spec, look(ps), zz), q, names, zs!, ys, cfg.innerSteps, cfg.innerLr, 'centroid-ratio');
    const { kernel, bias } = prototypeHead(filmTail(spec, look(adapted), zs!), ys);
    const logits = tf.add(tf.matMul(filmTail(spec, look(adapted), zq!), kernel), bias);
    losses.push(lossTensor('softmax-ce', logits, yq));
  }
  return tf.div(tf.addN(losses), B) as tf.Scalar;
}

/** ProtoNet + FiLM inner loop ("protofilm"): what the edge runs for scope 'film', meta-learned end to end. */
export function createProtofilm(cfg: AlgoConfig): MetaAlgorithm {
  return {
    name: 'protofilm',
    secondOrder: true,
    extraInit: () => ({}),
    trainable: weightNames,
    step: (p, b) => outerGrad(p, weightNames(Object.keys(p)), (q) => filmAdaptedLoss(cfg, q, b)),
  };
}
