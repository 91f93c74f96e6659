import type * as tf from '@tensorflow/tfjs-core';
import type { ParamMap } from '../engine/params';
import type { ModelSpec, NamedTensor } from '../spec/model-spec';
import type { TaskBatch } from '../tasks/batch';

export type AlgoName = 'maml' | 'fomaml' | 'reptile' | 'anil' | 'metasgd' | 'protonet' | 'protomaml' | 'protofilm' | 'transfer';

export const ALGO_NAMES: readonly AlgoName[] = ['maml', 'fomaml', 'reptile', 'anil', 'metasgd', 'protonet', 'protomaml', 'protofilm', 'transfer'];

export interface AlgoConfig {
  spec: ModelSpec;
  innerSteps: number;
  innerLr: number;
  /** Classes per training episode (classification). */
  ways: number;
}

/** What one outer step produces: the reported loss and a gradient (or Reptile's pseudo-gradient) per trainable name. */
export interface OuterStep {
  loss: tf.Scalar;
  grads: ParamMap;
}

/** One meta-learning algorithm: its trainable tensors and its outer step over a meta-batch. */
export interface MetaAlgorithm {
  readonly name: AlgoName;
  /** Whether the outer gradient goes through the inner loop (true second order) on this model. */
  readonly secondOrder: boolean;
  /** Extra trainable tensors beside the model's (Meta-SGD's `lr/...`, ANIL's or transfer's head). */
  extraInit(params: Record<string, NamedTensor>): Record<string, NamedTensor>;
  /** Names trained by the outer loop. */
  trainable(all: readonly string[]): string[];
  /** The outer step; runs inside the caller's tidy (tensors it returns are kept). */
  step(params: ParamMap, batch: TaskBatch): OuterStep;
}
