import * as tf from '@tensorflow/tfjs-core';
import { paramName } from './params';
import type { BatchNormLayer, Conv2dLayer, DenseLayer, Layer, ModelSpec } from '../spec/model-spec';
import type { ParamMap, Part } from './params';

/** A param by full name (layers.ts's ParamLookup, restated: layers.ts imports this file). */
type ParamLookup = (name: string) => tf.Tensor;

/** A conv2d or dense layer followed by a batch norm with stored statistics: one affine map, foldable into the kernel. */
export interface FoldedPair {
  linear: Conv2dLayer | DenseLayer;
  bn: BatchNormLayer;
}

/** A kernel and bias with a batch norm folded in (a type alias, not an interface, so tf.tidy can return it). */
export type Folded = {
  kernel: tf.Tensor;
  bias: tf.Tensor;
};

/**
 * BN(x·W + b) with stored statistics is x·W' + b' for W' = W·s (s on the kernel's last axis, the output
 * channels of conv2d and dense alike), b' = (b − μ)·s + β, s = γ/√(σ² + ε). Folding moves the rounding
 * (~1e-6 relative) but not the function, so it is only for forwards that nothing is differentiated
 * through: the gradient of a folded kernel is not the gradient of W, γ and β the steps want.
 */
export function foldBatchNorm(pair: FoldedPair, part: Part, get: ParamLookup): Folded {
  const p = (l: Layer, name: string): tf.Tensor => get(paramName(part, l, name));
  const s = tf.mul(p(pair.bn, 'gamma'), tf.rsqrt(tf.add(p(pair.bn, 'movingVariance'), pair.bn.epsilon ?? 1e-3)));
  return {
    kernel: tf.mul(p(pair.linear, 'kernel'), s),
    bias: tf.add(tf.mul(tf.sub(p(pair.linear, 'bias'), p(pair.bn, 'movingMean')), s), p(pair.bn, 'beta')),
  };
}

/** The six tensors a fold is computed from, in a fixed order. */
function sourceNames(pair: FoldedPair, part: Part): string[] {
  return [
    ...['kernel', 'bias'].map((n) => paramName(part, pair.linear, n)),
    ...['gamma', 'beta', 'movingMean', 'movingVariance'].map((n) => paramName(part, pair.bn, n)),
  ];
}

/** Every conv2d/dense layer of a part directly followed by a batch norm. */
export function foldedPairs(layers: readonly Layer[]): FoldedPair[] {
  const out: FoldedPair[] = [];
  layers.forEach((l, i) => {
    const next = layers[i + 1];
    if ((l.kind === 'conv2d' || l.kind === 'dense') && next?.kind === 'batchNorm') out.push({ linear: l, bn: next });
  });
  return out;
}

/** Folds made ahead, found for a pair only when `get` resolves its sources to the tensors they were made from. */
export interface FoldLookup {
  /** The fold of `pair` if `get` resolves all of its sources to the tensors it was made from, else undefined. */
  lookup(pair: FoldedPair, part: Part, get: ParamLookup): Folded | undefined;
}

/**
 * A model's folds of its stored weights, made once when the model is created (a request would
 * otherwise pay ~6 small kernels per block to fold again) and disposed with it; or a head's folds of
 * the blocks it overrides, made once per head by the model's head cache (src/engine/head-cache.ts).
 * A fold is only handed out for the very tensors it was made from: a forward whose params override
 * any of them (a head carrying adapted conv or batch-norm weights) folds those values itself.
 */
export interface FoldCache extends FoldLookup {
  /** Folded blocks held (two tensors each). */
  readonly size: number;
  dispose(): void;
}

/**
 * Folds every conv2d/dense + batch norm pair of the spec from `params` (the model's stored tensors).
 * With `over` (a head's uploaded params), only the pairs with a source in `over` are folded, each from
 * `over`'s tensors where it has them and `params` elsewhere: the folds a head adds to the model's.
 */
export function createFoldCache(spec: ModelSpec, params: ParamMap, over?: ParamMap): FoldCache {
  const entries = new Map<string, { sources: tf.Tensor[]; folded: Folded }>();
  const resolve: ParamLookup = (n) => over?.[n] ?? params[n]!;
  try {
    for (const part of ['body', 'head'] as const) {
      for (const pair of foldedPairs(spec[part])) {
        const names = sourceNames(pair, part);
        if (over && !names.some((n) => n in over)) continue;
        // Kept: a cache made inside a caller's tidy (a predict within one) must outlive that scope.
        const folded = tf.tidy(() => foldBatchNorm(pair, part, resolve));
        entries.set(`${part}/${pair.linear.name}`, { sources: names.map(resolve), folded: { kernel: tf.keep(folded.kernel), bias: tf.keep(folded.bias) } });
      }
    }
  } catch (e) {
    entries.forEach((e) => tf.dispose([e.folded.kernel, e.folded.bias]));
    throw e;
  }
  return {
    lookup(pair, part, get) {
      const e = entries.get(`${part}/${pair.linear.name}`);
      if (!e) return undefined;
      const names = sourceNames(pair, part);
      return e.sources.every((t, i) => get(names[i]!) === t) ? e.folded : undefined;
    },
    get size() {
      return entries.size;
    },
    dispose() {
      entries.forEach((e) => tf.dispose([e.folded.kernel, e.folded.bias]));
      entries.clear();
    },
  };
}

/** Asks each lookup in turn (a head's own folds, then the model's): the first fold made from `get`'s very tensors. */
export function chainFolds(...lookups: FoldLookup[]): FoldLookup {
  return { lookup: (pair, part, get) => lookups.reduce<Folded | undefined>((found, l) => found ?? l.lookup(pair, part, get), undefined) };
}
