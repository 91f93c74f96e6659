import * as tf from '@tensorflow/tfjs-core';
import type { Layer, ModelSpec } from '../spec/model-spec';

/** Tensors by full name `<part>/<layer>/<param>`. */
export type ParamMap = Record<string, tf.Tensor>;

export type Part = 'body' | 'head';

/** The trainable params of a layer (stored batch-norm statistics are not trainable). */
export function trainableParams(layer: Layer): string[] {
  switch (layer.kind) {
    case 'dense':
    case 'conv2d':
      return ['kernel', 'bias'];
    case 'batchNorm':
      return ['gamma', 'beta'];
    default:
      return [];
  }
}

/** Every param a layer reads, trainable or not. */
export function layerParams(layer: Layer): string[] {
  return layer.kind === 'batchNorm' ? ['gamma', 'beta', 'movingMean', 'movingVariance'] : trainableParams(layer);
}

/** Full name of one of a layer's params. */
export function paramName(part: Part, layer: Layer, param: string): string {
  return `${part}/${(layer as { name: string }).name}/${param}`;
}

/** Trainable param names of a part, in spec order. */
export function partTrainableNames(spec: ModelSpec, part: Part): string[] {
  return spec[part].flatMap((l) => trainableParams(l).map((p) => paramName(part, l, p)));
}

/** Product of a shape's dims. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
