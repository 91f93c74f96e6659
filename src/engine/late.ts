import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors';
import { applyLayer, applyLayers } from './layers';
import { paramName, trainableParams } from './params';
import type { Layer, ModelSpec } from '../spec/model-spec';
import type { ParamLookup } from './layers';

/**
 * Scope 'late': fine-tune every weight of the body's last k blocks — conv kernels and biases,
 * batch-norm γ and β (stored statistics stay fixed) — and the head layers before the prototype layer.
 * A block starts at a conv2d (or dense) layer, so the cut is the k-th such layer from the end. The
 * body before the cut is frozen: it runs once per request and the steps act on its cached output.
 * The loss is the support set's nearest-centroid cross-entropy ('proto-ce'), first order: late-block
 * fine-tuning on a classification loss is what pays under domain shift (Chen et al. 2019), where
 * adapting one batch norm's γ, β on the centroid ratio (scope 'film') does not.
 */
export function lateCut(spec: ModelSpec, blocks: number): number {
  if (!Number.isSafeInteger(blocks) || blocks < 1) throw new ModelError(`scope 'late' needs lateBlocks ≥ 1, got ${blocks}`);
  const starts = spec.body.flatMap((l, i) => (l.kind === 'conv2d' || l.kind === 'dense' ? [i] : []));
  if (starts.length < blocks) throw new ModelError(`scope 'late' with ${blocks} blocks needs ${blocks} conv2d/dense layers in the body, found ${starts.length}`);
  return starts[starts.length - blocks]!;
}

/** The params scope 'late' steps: trainable params of the body from the cut on, and of the head before its last layer. */
export function lateNames(spec: ModelSpec, blocks: number): string[] {
  const body = spec.body.slice(lateCut(spec, blocks)).flatMap((l) => trainableParams(l).map((p) => paramName('body', l, p)));
  const head = spec.head.slice(0, -1).flatMap((l) => trainableParams(l).map((p) => paramName('head', l, p)));
  return [...body, ...head];
}

/**
 * A batch norm with stored statistics as x·s + t, s = γ/√(σ² + ε), t = β − μ·s: the same function as
 * tf.batchNorm, but its gradients are broadcast products and sums, where tfjs's batch-norm gradient
 * tiles a full-size tensor through the wasm backend's slow Tile kernel on every step.
 */
function affineBatchNorm(layer: Layer & { kind: 'batchNorm' }, get: ParamLookup, x: tf.Tensor): tf.Tensor {
  const p = (name: string): tf.Tensor => get(paramName('body', layer, name));
  const scale = tf.mul(p('gamma'), tf.rsqrt(tf.add(p('movingVariance'), layer.epsilon ?? 1e-3)));
  return tf.add(tf.mul(x, scale), tf.sub(p('beta'), tf.mul(p('movingMean'), scale)));
}

/** Features from the frozen prefix's output: the late blocks, then the head layers before the prototype layer. */
export function lateTail(spec: ModelSpec, blocks: number, get: ParamLookup, h: tf.Tensor): tf.Tensor2D {
  let out = h;
  for (const layer of spec.body.slice(lateCut(spec, blocks))) out = layer.kind === 'batchNorm' ? affineBatchNorm(layer, get, out) : applyLayer(layer, 'body', get, out);
  out = tf.reshape(out, [out.shape[0]!, -1]);
  out = applyLayers(spec.head.slice(0, -1), 'head', get, out);
  return tf.reshape(out, [out.shape[0]!, -1]) as tf.Tensor2D;
}
