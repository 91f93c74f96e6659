import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors';
import { paramName } from './params';
import type { Layer } from '../spec/model-spec';
import type { Part } from './params';

/** Looks up a param by full name; throws if absent. */
export type ParamLookup = (name: string) => tf.Tensor;

export interface ForwardOptions {
  /** Batch norm from stored statistics (default; what the edge does) or from the batch's own (transductive training). */
  batchNorm?: 'stored' | 'batch';
}

/** Applies one layer functionally: every weight comes from `get`, so any of them can be differentiated. */
export function applyLayer(layer: Layer, part: Part, get: ParamLookup, x: tf.Tensor, opts: ForwardOptions = {}): tf.Tensor {
  const p = (name: string): tf.Tensor => get(paramName(part, layer, name));
  switch (layer.kind) {
    case 'dense':
      return tf.add(tf.matMul(x as tf.Tensor2D, p('kernel') as tf.Tensor2D), p('bias'));
    case 'conv2d': {
      const s = layer.strides ?? 1;
      const pad = layer.padding ?? 'valid';
      // An integer is PyTorch's symmetric zero padding, which tfjs takes as explicit per-side padding.
      const tfPad = typeof pad === 'number' ? ([[0, 0], [pad, pad], [pad, pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]) : pad;
      return tf.add(tf.conv2d(x as tf.Tensor4D, p('kernel') as tf.Tensor4D, s, tfPad), p('bias'));
    }
    case 'maxPool':
      return tf.maxPool(x as tf.Tensor4D, layer.size, layer.strides ?? layer.size, layer.padding ?? 'valid');
    case 'batchNorm': {
      const eps = layer.epsilon ?? 1e-3;
      if (opts.batchNorm === 'batch') {
        const axes = x.shape.map((_, i) => i).slice(0, -1);
        const { mean, variance } = tf.moments(x, axes);
        return tf.batchNorm(x, mean, variance, p('beta'), p('gamma'), eps);
      }
      return tf.batchNorm(x, p('movingMean'), p('movingVariance'), p('beta'), p('gamma'), eps);
    }
    case 'relu':
      return tf.relu(x);
    case 'flatten':
      return tf.reshape(x, [x.shape[0]!, -1]);
    case 'identity':
      return x;
    case 'globalAvgPool':
      return tf.mean(x, [1, 2]);
    case 'l2Normalize': {
      // rsqrt(max(Σx², 1e-12)) as tf.math.l2_normalize: a zero row stays zero instead of NaN.
      const inv = tf.rsqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-12));
      return tf.mul(x, layer.scale === undefined || layer.scale === 1 ? inv : tf.mul(inv, layer.scale));
    }
  }
  throw new ModelError(`unknown layer kind ${JSON.stringify((layer as { kind: unknown }).kind)}`);
}

/** Applies a list of layers of one part in order. */
export function applyLayers(layers: readonly Layer[], part: Part, get: ParamLookup, x: tf.Tensor, opts?: ForwardOptions): tf.Tensor {
  let out = x;
  for (const layer of layers) out = applyLayer(layer, part, get, out, opts);
  return out;
}
