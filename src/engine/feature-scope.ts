import { filmCut, filmNames } from './adapted-params';
import { filmNormalize, filmTail } from './film';
import { lateCut, lateNames, lateTail } from './late';
import { applyLayers } from './layers';
import type * as tf from '@tensorflow/tfjs-core';
import type { LateBlockKernel } from './late-block-kernel';
import type { LateBlockShape } from './late-fused';
import type { ParamLookup } from './layers';
import type { Model } from './model';

/**
 * A feature scope as settings of the one inner loop: what runs once over the support images (the
 * frozen prefix), which params the steps adapt, the features the adapted params give from that
 * cached output, and the loss the steps lower over those features. The head is always the
 * prototype head of the adapted features. 'film' and 'late' are two such settings.
 */
export interface FeatureScope {
  names: string[];
  frozen(x: tf.Tensor): tf.Tensor;
  tail(get: ParamLookup, z: tf.Tensor): tf.Tensor2D;
  loss: 'centroid-ratio' | 'proto-ce';
  /** Scope 'late' on the fused path: the kernel that runs the steps instead of tfjs autodiff, and the block it takes. */
  fused?: { kernel: LateBlockKernel; shape: LateBlockShape };
}

/** The feature scope of a model whose defaults say 'film' or 'late'. */
export function featureScope(model: Model): FeatureScope {
  const { spec, defaults } = model;
  const stored: ParamLookup = (n) => model.params[n]!;
  if (defaults.scope === 'late') {
    const k = defaults.lateBlocks!;
    const cut = lateCut(spec, k);
    return { names: lateNames(spec, k), frozen: (x) => applyLayers(spec.body.slice(0, cut), 'body', stored, x, model.frozenForward), tail: (get, z) => lateTail(spec, k, get, z), loss: 'proto-ce' };
  }
  const cut = filmCut(spec);
  return {
    names: filmNames(spec),
    frozen: (x) => filmNormalize(spec, stored, applyLayers(spec.body.slice(0, cut), 'body', stored, x, model.frozenForward)),
    tail: (get, z) => filmTail(spec, get, z),
    loss: 'centroid-ratio',
  };
}
