/**
 * The model spec: a serialisable description of a network as a body (feature extractor, frozen at
 * the edge) and a head (adapted per user). Shared by the bundle format, the engine and training.
 *
 * Parameter naming: every trainable or stored tensor is `<part>/<layer name>/<param>`, e.g.
 * `body/conv1/kernel`, `head/out/bias`, `body/bn1/movingMean`. Meta-SGD learned learning rates are
 * stored as `lr/<parameter name>` with the parameter's shape.
 */
export type TaskKind = 'classification' | 'regression';

export type Padding = 'same' | 'valid';

/** Dense: `kernel` [in, units], `bias` [units]. `units: 'ways'` = the number of classes of the support set. */
export interface DenseLayer {
  kind: 'dense';
  name: string;
  units: number | 'ways';
}

/**
 * Conv2d (NHWC): `kernel` [k, k, inChannels, filters], `bias` [filters]. `padding` is 'same'/'valid'
 * (tfjs), or an integer p: p zero rows/columns on every side, as PyTorch's `padding=p` (format 1.1).
 */
export interface Conv2dLayer {
  kind: 'conv2d';
  name: string;
  filters: number;
  kernelSize: number;
  strides?: number;
  padding?: Padding | number;
}

export interface MaxPoolLayer {
  kind: 'maxPool';
  size: number;
  strides?: number;
  padding?: Padding;
}

/** Batch norm with stored statistics: `gamma`, `beta`, `movingMean`, `movingVariance` [channels]. */
export interface BatchNormLayer {
  kind: 'batchNorm';
  name: string;
  epsilon?: number;
}

export interface ActivationLayer {
  kind: 'relu' | 'flatten' | 'identity';
}

/**
 * y = scale · x / ‖x‖ along the last axis (‖x‖ floored at 1e-6, so a zero vector stays zero); no
 * parameters. Before a prototype head it makes the logits cosine-based: −scale²·‖x̂ − p̂‖² (format 1.1).
 */
export interface L2NormalizeLayer {
  kind: 'l2Normalize';
  scale?: number;
}

/** Mean over height and width: [h, w, c] → [c] (PyTorch's `x.mean(dim=[2, 3])`; format 1.1). */
export interface GlobalAvgPoolLayer {
  kind: 'globalAvgPool';
}

export type Layer = DenseLayer | Conv2dLayer | MaxPoolLayer | BatchNormLayer | ActivationLayer | L2NormalizeLayer | GlobalAvgPoolLayer;

export interface ModelSpec {
  /** Shape of one example without the batch dim, e.g. [28, 28, 1] or [1]; inputs arrive flattened row-major. */
  inputShape: number[];
  task: TaskKind;
  body: Layer[];
  head: Layer[];
}

/**
 * Which parameters the inner loop adapts: the head only (ANIL), everything (MAML), or 'film': the
 * last body batch norm's scale and shift (feature adaptation, src/engine/film.ts) under a prototype head,
 * or 'late': every weight of the body's last `lateBlocks` blocks (src/engine/late.ts) under a prototype head.
 */
export type AdaptScope = 'head' | 'all' | 'film' | 'late';

/**
 * The guard of the feature scopes (src/engine/guard.ts): 'split' adapts only when adapting on part of
 * the support set does not lower the accuracy on the held-out rest; 'off' always takes the steps.
 */
export type AdaptGuard = 'split' | 'off';

/** The inner loop's update rule (src/engine/optimizers.ts): SGD, SGD with momentum, or Adam, as torch.optim. */
export type InnerOptimizer = 'sgd' | 'momentum' | 'adam';

export const INNER_OPTIMIZERS: readonly InnerOptimizer[] = ['sgd', 'momentum', 'adam'];

/** How the head is initialised before the inner loop. */
export type HeadInit = 'learned' | 'prototype';

/** How inner-loop learning rates are held: one scalar, or per-parameter tensors (Meta-SGD) `lr/<param>`. */
export type LrMode = 'scalar' | 'per-parameter';

export interface AdaptLimits {
  minSteps: number;
  maxSteps: number;
  minLr: number;
  maxLr: number;
  maxClasses: number;
  maxExamples: number;
}

export interface AdaptationDefaults {
  scope: AdaptScope;
  steps: number;
  lr: number;
  lrMode: LrMode;
  headInit: HeadInit;
  /** The request-time update rule; 'sgd' when absent. */
  optimizer?: InnerOptimizer;
  /** Scope 'late': how many blocks from the end of the body the steps fine-tune. */
  lateBlocks?: number;
  /** Feature scopes: whether a request checks that the steps help before keeping them; 'off' when absent. */
  guard?: AdaptGuard;
  /**
   * The guard's allowance, in held-out examples: the steps are kept unless they cost more than this
   * many of them. The held-out half is a handful of examples (10 at 5-way 5-shot), so a one-example
   * drop is within its noise. 0 when absent.
   */
  guardTolerance?: number;
  /** The guard's brake: how far (nats) the held-out loss may rise before it keeps the model. 1 when absent. */
  guardLossSlack?: number;
  limits: AdaptLimits;
  /** Label names of a learned (fixed-class) head, in output order. Absent for prototype heads. */
  labels?: (string | number)[];
  /** Softmax temperature of predict's scores (fitted on validation episodes); 1 when absent. */
  temperature?: number;
  /**
   * Prototype heads: an input whose feature distance to its nearest class prototype exceeds this is
   * "none of these" (predict's `unknown`); fitted on validation episodes. Absent: never unknown.
   */
  unknownDistance?: number;
  /**
   * The "none of these" distance by shot count, fitted per count so that real queries are rejected at
   * the same small rate however few examples a user gave: a head adapted on K examples per class
   * takes the entry with the largest `shots` ≤ K. Heads that do not record K use `unknownDistance`.
   */
  unknownDistances?: { shots: number; distance: number }[];
  /**
   * Prototype heads: an input whose values span less than this (max − min) is "none of these" whatever
   * its distance — a blank or all-ink canvas shows no shape to classify, and a body can sit a blank
   * closer to a sparse glyph's prototype than that glyph's own drawings. Absent: no such rule.
   */
  minContrast?: number;
  /**
   * Image prototype heads: a class with one example also gets the example shifted by this many pixels
   * up, down, left and right, and its prototype is the mean embedding of the five (src/engine/views.ts).
   * Absent or 0: no views.
   */
  shiftViews?: number;
}

export interface Provenance {
  algorithm: string;
  dataset: string;
  split?: string;
  seed?: number;
  date?: string;
  command?: string;
  metrics?: Record<string, number>;
  [key: string]: unknown;
}

/** A tensor as plain data (what a bundle decodes to and what training writes). */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/** Everything the engine needs to run a model, independent of how it was stored. */
export interface ModelData {
  /** Content id: hex SHA-256 of the bundle's header + payload. */
  id: string;
  name: string;
  spec: ModelSpec;
  defaults: AdaptationDefaults;
  provenance: Provenance;
  tensors: Record<string, NamedTensor>;
  /** Set by the bundle decoder: format version, file size, and each tensor's stored dtype. */
  storage?: { format: string; bytes: number; dtypes: Record<string, 'f32' | 'f16' | 'int8'> };
}
