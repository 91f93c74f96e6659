import * as tf from '@tensorflow/tfjs-core';
import type { InnerOptimizer } from '../spec/model-spec';
import type { GuardReport } from './guard-report';
import type { LossKind } from './losses';
import type { ResolvedSupport } from './validate';

/** A validated request in the form every path consumes. */
export interface Prepared {
  support: ResolvedSupport;
  /** The support set's own loss (the feature scopes' steps use their own: src/engine/feature-scope.ts). */
  loss: Exclude<LossKind, 'centroid-ratio' | 'proto-ce'>;
  /** Outputs of the adapted head. */
  k: number;
  /** One-hot labels or targets [n, k]. */
  y: Float32Array;
  steps: number;
  lr: number;
  optimizer: InnerOptimizer;
  /** The frozen prefix's output for the support rows, computed earlier (feature scopes; see `frozenFeatures`). */
  frozen?: FrozenFeatures;
}

/** A feature scope's frozen-prefix output for some inputs: `rows` of `shape` each, row-major. */
export interface FrozenFeatures {
  shape: number[];
  rows: Float32Array[];
}

/** What a path returns: the adapted params (read back) and the loss before and after. */
export interface PathResult {
  params: Record<string, { shape: number[]; data: Float32Array }>;
  lossBefore: number;
  lossAfter: number;
  /** Steps actually taken, when a guard may have refused them (feature scopes). */
  stepsUsed?: number;
  guard?: GuardReport;
}

/** Builds the target block: one-hot rows for classification, the targets for regression. */
export function targetsOf(support: ResolvedSupport, k: number): Float32Array {
  if (support.targets) return support.targets;
  const y = new Float32Array(support.n * k);
  support.labelIdx!.forEach((c, i) => (y[i * k + c] = 1));
  return y;
}

/** Uploads the support inputs and targets (caller disposes). */
export function uploadSupport(p: Prepared, inputSize: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return { x: tf.tensor2d(p.support.x, [p.support.n, inputSize]), y: tf.tensor2d(p.y, [p.support.n, p.k]) };
}
