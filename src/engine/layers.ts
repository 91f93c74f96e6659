import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors';
import { foldBatchNorm } from './fold';
import { paramName } from './params';
import type { Conv2dLayer, Layer } from '../spec/model-spec';
import type { FoldLookup, FoldedPair } from './fold';
import type { Part } from './params';

/** Looks up a param by full name; throws if absent. */
export type ParamLookup = (name: string) => tf.Tensor;

export interface ForwardOptions {
  /** Batch norm from stored statistics (default; what the edge does) or from the batch's own (transductive training). */
  batchNorm?: 'stored' | 'batch';
  /**
   * Nothing is differentiated through this forward (predict, embeddings, a feature scope's frozen
   * prefix): each conv2d/dense + bias, with the stored batch norm and the relu that follow it, runs
   * as one fused kernel, the batch norm folded into kernel and bias (src/engine/fold.ts). Never for
   * a forward that autodiff sees: see `foldBatchNorm`.
   */
  frozen?: boolean;
  /** Folds made ahead to use when `frozen` (a model's `frozenForward` carries those of its stored weights). */
  folds?: FoldLookup;
}

type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/** tfjs padding of a conv2d: an integer is PyTorch's symmetric zero padding, which tfjs takes as explicit per-side padding. */
function convPadding(layer: Conv2dLayer): 'same' | 'valid' | ExplicitPad {
  const pad = layer.padding ?? 'valid';
  return typeof pad === 'number' ? [[0, 0], [pad, pad], [pad, pad], [0, 0]] : pad;
}

/** Applies one layer functionally: every weight comes from `get`, so any of them can be differentiated. */
export function applyLayer(layer: Layer, part: Part, get: ParamLookup, x: tf.Tensor, opts: ForwardOptions = {}): tf.Tensor {
  const p = (name: string): tf.Tensor => get(paramName(part, layer, name));
  switch (layer.kind) {
    case 'dense':
      return tf.add(tf.matMul(x as tf.Tensor2D, p('kernel') as tf.Tensor2D), p('bias'));
    case 'conv2d':
      return tf.add(tf.conv2d(x as tf.Tensor4D, p('kernel') as tf.Tensor4D, layer.strides ?? 1, convPadding(layer)), p('bias'));
    case 'maxPool':
      // A 1×1 window at stride 1 is the identity (v6's last block keeps its whole map): skip the kernel call.
      if (layer.size === 1 && (layer.strides ?? 1) === 1) return x;
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

/** A conv2d/dense layer with what a frozen forward fuses into it: a stored batch norm, then a relu. */
interface FusedRun {
  linear: FoldedPair['linear'];
  bn?: FoldedPair['bn'];
  relu: boolean;
  /** Layers the run covers. */
  length: number;
}

function fusedRunAt(layers: readonly Layer[], i: number, opts: ForwardOptions): FusedRun | undefined {
  const linear = layers[i]!;
  if (linear.kind !== 'conv2d' && linear.kind !== 'dense') return undefined;
  let j = i + 1;
  const next = layers[j];
  const bn = next?.kind === 'batchNorm' && opts.batchNorm !== 'batch' ? next : undefined;
  if (bn) j++;
  const relu = layers[j]?.kind === 'relu';
  if (relu) j++;
  return { linear, ...(bn ? { bn } : {}), relu, length: j - i };
}

/** One run as one kernel: tf.fused.conv2d / tf.fused.matMul with bias and activation (XNNPACK's fused ops on wasm). */
function applyFusedRun(run: FusedRun, part: Part, get: ParamLookup, x: tf.Tensor, folds: FoldLookup | undefined): tf.Tensor {
  const pair = run.bn ? { linear: run.linear, bn: run.bn } : undefined;
  const { kernel, bias } = pair
    ? (folds?.lookup(pair, part, get) ?? foldBatchNorm(pair, part, get))
    : { kernel: get(paramName(part, run.linear, 'kernel')), bias: get(paramName(part, run.linear, 'bias')) };
  const activation = run.relu ? 'relu' : 'linear';
  if (run.linear.kind === 'dense') return tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, activation });
  return tf.fused.conv2d({ x: x as tf.Tensor4D, filter: kernel as tf.Tensor4D, strides: run.linear.strides ?? 1, pad: convPadding(run.linear), bias, activation });
}

/** Applies a list of layers of one part in order (fused runs where `opts.frozen`). */
export function applyLayers(layers: readonly Layer[], part: Part, get: ParamLookup, x: tf.Tensor, opts: ForwardOptions = {}): tf.Tensor {
  let out = x;
  for (let i = 0; i < layers.length; ) {
    const run = opts.frozen ? fusedRunAt(layers, i, opts) : undefined;
    if (run) {
      out = applyFusedRun(run, part, get, out, opts.folds);
      i += run.length;
    } else out = applyLayer(layers[i++]!, part, get, out, opts);
  }
  return out;
}
