import * as tf from '@tensorflow/tfjs-core';
import { applyLayer } from '../engine/layers';
import { paramName } from '../engine/params';
import type { ModelSpec, NamedTensor } from '../spec/model-spec';

/**
 * Stored batch-norm statistics for the edge: training normalised with each meta-batch's own moments,
 * so the stored ones are those moments over a large sample (x [n, ...inputShape]) with the final
 * weights, layer by layer (each layer sees the previous ones normalised as in training).
 */
export function fitBatchNormStats(spec: ModelSpec, tensors: Record<string, NamedTensor>, x: tf.Tensor): Record<string, NamedTensor> {
  const out: Record<string, NamedTensor> = {};
  tf.tidy(() => {
    const params: Record<string, tf.Tensor> = {};
    for (const [n, t] of Object.entries(tensors)) params[n] = tf.tensor(t.data, t.shape, 'float32');
    const get = (n: string): tf.Tensor => params[n]!;
    let h = x;
    for (const layer of spec.body) {
      if (layer.kind === 'batchNorm') {
        const axes = h.shape.map((_, i) => i).slice(0, -1);
        const { mean, variance } = tf.moments(h, axes);
        out[paramName('body', layer, 'movingMean')] = { shape: [...mean.shape], data: new Float32Array(mean.dataSync()) };
        out[paramName('body', layer, 'movingVariance')] = { shape: [...variance.shape], data: new Float32Array(variance.dataSync()) };
        h = tf.batchNorm(h, mean, variance, get(paramName('body', layer, 'beta')), get(paramName('body', layer, 'gamma')), layer.epsilon ?? 1e-3);
      } else h = applyLayer(layer, 'body', get, h);
    }
  });
  return out;
}
