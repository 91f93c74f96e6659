import * as tf from '@tensorflow/tfjs-core';
import { applyLayer, applyLayers } from '../engine/layers';
import { paramName } from '../engine/params';
import { trainBatchNorm } from './fast-batch-norm';
import { trainConv2d } from './fast-conv';
import type { ForwardOptions } from '../engine/layers';
import type { ParamMap } from '../engine/params';
import type { ModelSpec } from '../spec/model-spec';

/** Training forwards normalise with the batch's own statistics; stored statistics are fitted afterwards. */
export const TRAIN_BN: ForwardOptions = { batchNorm: 'batch' };

const lookup = (p: ParamMap) => (name: string): tf.Tensor => {
  const t = p[name];
  if (!t) throw new Error(`no param ${name}`);
  return t;
};

/**
 * One copy of each named param per task: kernels [B, in, out], biases [B, 1, out], so a rank-3
 * matMul runs every task's dense layer at once and the inner-loop gradient of the summed loss is
 * each task's own gradient. Differentiable: the outer gradient sums over the copies.
 */
export function tileParams(params: ParamMap, names: readonly string[], B: number): ParamMap {
  const out: ParamMap = {};
  for (const n of names) {
    const t = params[n]!;
    const lifted = t.rank === 1 ? tf.reshape(t, [1, 1, t.shape[0]!]) : tf.expandDims(t, 0);
    // A broadcasting add, not tf.tile: same values, but its gradient is one sum over the task dim,
    // where tile's is a slice and an add per task (~300 more ops per MAML iteration at B = 25).
    out[n] = tf.add(tf.zeros([B, ...lifted.shape.slice(1)]), lifted);
  }
  return out;
}

/** Body over every example of every task in one call: x [B, n, ...] → features [B, n, D]. */
export function embedAll(spec: ModelSpec, params: ParamMap, x: tf.Tensor, opts: ForwardOptions = TRAIN_BN): tf.Tensor3D {
  const [B, n] = x.shape as [number, number];
  const flat = tf.reshape(x, [B * n, ...spec.inputShape]);
  const f = trainBody(spec, params, flat, opts);
  return tf.reshape(f, [B, n, -1]) as tf.Tensor3D;
}

/** Support and query features from one body call over both (batch statistics over the whole meta-batch). */
export function embedEpisodes(spec: ModelSpec, params: ParamMap, xs: tf.Tensor, xq: tf.Tensor): { fs: tf.Tensor3D; fq: tf.Tensor3D } {
  const ns = xs.shape[1]!;
  const all = embedAll(spec, params, tf.concat([xs, xq], 1));
  const [fs, fq] = tf.split(all, [ns, all.shape[1] - ns], 1) as [tf.Tensor3D, tf.Tensor3D];
  return { fs, fq };
}

/** Head forward with per-task (tiled) head params over features [B, n, D]. */
export function headForward(spec: ModelSpec, params: ParamMap, f: tf.Tensor): tf.Tensor {
  return applyLayers(spec.head, 'head', lookup(params), f);
}

/** Whole-model forward with per-task (tiled) params over x [B, n, ...]: dense-only models (the sinusoid MLP). */
export function denseForward(spec: ModelSpec, params: ParamMap, x: tf.Tensor): tf.Tensor {
  return applyLayers(spec.head, 'head', lookup(params), applyLayers(spec.body, 'body', lookup(params), x));
}

/** Batched prototype head per task: kernel [B, D, N] = 2·p, bias [B, 1, N] = −‖p‖² (differentiable in fs). */
export function batchedPrototypes(fs: tf.Tensor3D, ys: tf.Tensor3D): { kernel: tf.Tensor3D; bias: tf.Tensor3D } {
  const counts = tf.sum(ys, 1, true); // [B, 1, N]
  const protos = tf.div(tf.matMul(ys, fs, true, false), tf.transpose(counts, [0, 2, 1])); // [B, N, D]
  return { kernel: tf.transpose(tf.mul(protos, 2), [0, 2, 1]) as tf.Tensor3D, bias: tf.expandDims(tf.neg(tf.sum(tf.square(protos), 2)), 1) as tf.Tensor3D };
}

/** One task's forward (no task dim), batch statistics: the per-task path of conv models. */
export function taskForward(spec: ModelSpec, params: ParamMap, x: tf.Tensor): tf.Tensor {
  return applyLayers(spec.head, 'head', lookup(params), trainBody(spec, params, x, TRAIN_BN), TRAIN_BN);
}

/** The body forward for training: the engine's layers, except stride-1 'same' convs use `trainConv2d` (same values, cheaper gradients on wasm). */
export function trainBody(spec: ModelSpec, params: ParamMap, x: tf.Tensor, opts: ForwardOptions = TRAIN_BN): tf.Tensor {
  const get = lookup(params);
  let h = x;
  spec.body.forEach((layer, i) => {
    if (layer.kind === 'conv2d' && (layer.strides ?? 1) === 1 && layer.padding === 'same' && layer.kernelSize % 2 === 1) {
      const kernel = get(paramName('body', layer, 'kernel')) as tf.Tensor4D;
      h = trainConv2d(h as tf.Tensor4D, kernel, i > 0);
      // A batch-statistics batch norm right after cancels the conv bias exactly (value and gradient): skip the add.
      if (!(opts.batchNorm === 'batch' && spec.body[i + 1]?.kind === 'batchNorm')) h = tf.add(h, get(paramName('body', layer, 'bias')));
    } else if (layer.kind === 'batchNorm' && opts.batchNorm === 'batch') {
      h = trainBatchNorm(h, get(paramName('body', layer, 'gamma')), get(paramName('body', layer, 'beta')), layer.epsilon ?? 1e-3);
    } else h = applyLayer(layer, 'body', get, h, opts);
  });
  return h;
}
