import { lossTensor } from '../engine/losses';
import { batchedPrototypes, embedEpisodes } from './batched';
import { outerGrad, weightNames } from './outer-grad';
import type * as tf from '@tensorflow/tfjs-core';
import type { ParamMap } from '../engine/params';
import type { TaskBatch } from '../tasks/batch';
import type { AlgoConfig, MetaAlgorithm } from './types';
import { applyLayer } from '../engine/layers';

/** Query logits of the prototype head of each task: −‖f − p_c‖² up to a per-query constant. */
export function prototypeLogits(cfg: AlgoConfig, p: ParamMap, b: TaskBatch): { logits: tf.Tensor; fs: tf.Tensor3D; fq: tf.Tensor3D; head: ParamMap } {
  const { fs, fq } = embedEpisodes(cfg.spec, p, b.xs, b.xq);
  const { kernel, bias } = batchedPrototypes(fs, b.ys as tf.Tensor3D);
  const last = cfg.spec.head.at(-1)!;
  const head: ParamMap = { [`head/${(last as { name: string }).name}/kernel`]: kernel, [`head/${(last as { name: string }).name}/bias`]: bias };
  return { logits: applyLayer(last, 'head', (n) => head[n]!, fq), fs, fq, head };
}

/** Prototypical networks (Snell et al. 2017): no inner loop; the head is the class means of the support features. */
export function createProtonet(cfg: AlgoConfig): MetaAlgorithm {
  return {
    name: 'protonet',
    secondOrder: false,
    extraInit: () => ({}),
    trainable: weightNames,
    step: (p, b) => outerGrad(p, weightNames(Object.keys(p)), (q) => lossTensor('softmax-ce', prototypeLogits(cfg, q, b).logits, b.yq)),
  };
}
