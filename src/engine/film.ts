import * as tf from '@tensorflow/tfjs-core';
import './zero-grads';
import { applyLayer } from './layers';
import { filmCut } from './adapted-params';
import { paramName } from './params';
import type { ModelSpec } from '../spec/model-spec';
import type { ParamLookup } from './layers';

/**
 * 2×2/2 'valid' max pool as a max over the window axes of a reshape: the same values as tf.maxPool,
 * and a gradient made of elementwise ops, so it can be differentiated again (second-order
 * meta-training through the inner loop; tfjs has no gradient of MaxPoolGrad).
 */
export function maxPool2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const oh = Math.floor(h / 2);
  const ow = Math.floor(w / 2);
  const core = oh * 2 === h && ow * 2 === w ? x : tf.slice(x, [0, 0, 0, 0], [n, 2 * oh, 2 * ow, c]);
  return tf.max(tf.reshape(core, [n, oh, 2, ow, 2, c]), [2, 4]) as tf.Tensor4D;
}

/** ẑ = (h − μ)/√(σ² + ε) with the layer's stored statistics: the frozen half of the cut batch norm. */
export function filmNormalize(spec: ModelSpec, get: ParamLookup, h: tf.Tensor): tf.Tensor {
  const bn = spec.body[filmCut(spec)]!;
  const eps = (bn as { epsilon?: number }).epsilon ?? 1e-3;
  return tf.mul(tf.sub(h, get(paramName('body', bn, 'movingMean'))), tf.rsqrt(tf.add(get(paramName('body', bn, 'movingVariance')), eps)));
}

/**
 * Features from ẑ: γ·ẑ + β, the body layers after the cut (2×2 max pools as `maxPool2`), then the
 * head layers before the prototype layer (a pre-classifier transform, TSA's "PA", when the spec has one).
 */
export function filmTail(spec: ModelSpec, get: ParamLookup, z: tf.Tensor): tf.Tensor2D {
  const cut = filmCut(spec);
  const bn = spec.body[cut]!;
  let h = tf.add(tf.mul(z, get(paramName('body', bn, 'gamma'))), get(paramName('body', bn, 'beta')));
  for (const layer of spec.body.slice(cut + 1)) {
    const pool2 = layer.kind === 'maxPool' && layer.size === 2 && (layer.strides ?? 2) === 2 && (layer.padding ?? 'valid') === 'valid';
    h = pool2 ? maxPool2(h as tf.Tensor4D) : applyLayer(layer, 'body', get, h);
  }
  h = tf.reshape(h, [h.shape[0]!, -1]);
  for (const layer of spec.head.slice(0, -1)) h = applyLayer(layer, 'head', get, h);
  return tf.reshape(h, [h.shape[0]!, -1]) as tf.Tensor2D;
}

