import * as tf from '@tensorflow/tfjs-core';
import { lossTensor } from '../engine/losses';
import { embedAll, denseForward } from './batched';
import { embedSize } from './models';
import { outerGrad, weightNames } from './outer-grad';
import type { ParamMap } from '../engine/params';
import type { NamedTensor } from '../spec/model-spec';
import type { AlgoConfig, MetaAlgorithm } from './types';

/** Name prefix of the pre-training classifier over all meta-train classes (dropped from the shipped bundle). */
export const PRETRAIN_HEAD = 'pretrain/classifier';

/**
 * Transfer: plain supervised pre-training, no inner loop. Regression: one network regressed on every
 * task's points jointly (the "pretrained" baseline of Finn et al.). Classification: a softmax over
 * all `classes` meta-train classes (batch labels mapped to global ids); at test time the body is
 * kept and the head is fine-tuned on the support set.
 */
export function createTransfer(cfg: AlgoConfig, classes = 0): MetaAlgorithm {
  return {
    name: 'transfer',
    secondOrder: false,
    extraInit: (): Record<string, NamedTensor> => {
      if (cfg.spec.task === 'regression') return {};
      const d = embedSize(cfg.spec);
      return {
        [`${PRETRAIN_HEAD}/kernel`]: { shape: [d, classes], data: new Float32Array(d * classes) },
        [`${PRETRAIN_HEAD}/bias`]: { shape: [classes], data: new Float32Array(classes) },
      };
    },
    trainable: weightNames,
    step: (p, b) =>
      outerGrad(p, weightNames(Object.keys(p)), (q: ParamMap) => {
        const x = tf.concat([b.xs, b.xq], 1);
        const y = tf.concat([b.ys, b.yq], 1);
        if (cfg.spec.task === 'regression') return lossTensor('mse', denseForward(cfg.spec, q, tf.reshape(x, [-1, ...cfg.spec.inputShape])), tf.reshape(y, [-1, 1]));
        if (!b.classes) throw new Error('transfer on classification needs the global class ids of each batch');
        const f = embedAll(cfg.spec, q, x); // [B, n, D]
        const global = tf.matMul(y, tf.oneHot(b.classes, classes).toFloat()); // [B, n, C]
        const logits = tf.add(tf.matMul(tf.reshape(f, [-1, f.shape[2]]), q[`${PRETRAIN_HEAD}/kernel`]! as tf.Tensor2D), q[`${PRETRAIN_HEAD}/bias`]!);
        return lossTensor('softmax-ce', logits, tf.reshape(global, [-1, classes]));
      }),
  };
}
