import * as tf from '@tensorflow/tfjs-core';
import { checkModelData } from './check-model';
import { ModelError } from './errors';
import { createFoldCache } from './fold';
import { createHeadCache, DEFAULT_HEAD_CACHE } from './head-cache';
import { applyLayers } from './layers';
import { sizeOf } from './params';
import type { AdaptationDefaults, ModelData, ModelSpec } from '../spec/model-spec';
import type { FoldCache } from './fold';
import type { HeadCache } from './head-cache';
import type { ForwardOptions } from './layers';
import type { ParamMap } from './params';

/** A model with its tensors uploaded once, and functional forwards over explicit param maps. */
export interface Model {
  id: string;
  name: string;
  spec: ModelSpec;
  defaults: AdaptationDefaults;
  /** The source arrays (the fused path reads initial weights here instead of reading tensors back). */
  data: ModelData;
  /** Every stored tensor by full name (weights, batch-norm statistics, Meta-SGD `lr/...`). */
  params: ParamMap;
  /** Numbers per example (product of inputShape). */
  inputSize: number;
  /** Shape of one example's body output, e.g. [64]. */
  embedShape: number[];
  /** Outputs per example of a learned head; undefined when the last layer is prototype-initialised ('ways'). */
  outputSize: number | undefined;
  /** Inputs per example of the last head layer (what prototypes are computed over). */
  lastLayerInputSize: number;
  /**
   * The options of a forward nothing is differentiated through (predict, embeddings, frozen
   * prefixes): fused layer runs with the model's batch norms folded once at creation, or `{}` (layer
   * by layer) for a model created with `fold: false`.
   */
  frozenForward: ForwardOptions & { folds?: FoldCache };
  /** The heads predict used last, uploaded and folded (src/engine/head-cache.ts); disposed with the model. */
  heads: HeadCache;
  /** Body forward with the stored params: x [n, inputSize] or [n, ...inputShape]. */
  embed(x: tf.Tensor, opts?: ForwardOptions): tf.Tensor;
  /** Head forward over embeddings; `params` override the stored ones by name. */
  forwardHead(params: ParamMap, embeddings: tf.Tensor, opts?: ForwardOptions): tf.Tensor;
  /** The input of the last head layer (what prototypes live in); `params` override stored ones by name. */
  lastLayerInput(params: ParamMap, x: tf.Tensor, opts?: ForwardOptions): tf.Tensor2D;
  /** The last head layer over its input (`lastLayerInput`'s output): with it, predict runs the body once. */
  forwardLast(params: ParamMap, input: tf.Tensor2D, opts?: ForwardOptions): tf.Tensor2D;
  /** Full forward (body then head); `params` override stored ones by name, so any subset can be differentiated. */
  forward(params: ParamMap, x: tf.Tensor, opts?: ForwardOptions): tf.Tensor;
  dispose(): void;
}

function checkLearnedHead(data: ModelData, outShape: number[]): void {
  if (outShape.length !== 2) throw new ModelError(`the head must output [n, k], got rank ${outShape.length}`);
  const labels = data.defaults.labels;
  if (data.spec.task === 'classification' && (!Array.isArray(labels) || labels.length !== outShape[1])) {
    throw new ModelError(`a learned classification head needs defaults.labels with one label per output (${outShape[1]})`);
  }
  if (labels && new Set(labels.map(String)).size !== labels.length) throw new ModelError('defaults.labels must be distinct');
}

export interface CreateModelOptions {
  /**
   * Fold each conv2d/dense + stored batch norm into one kernel and bias, once, for the frozen forward
   * (default true). false keeps `frozenForward` layer by layer: the bench measures both side by side.
   */
  fold?: boolean;
  /**
   * Heads kept uploaded (and folded) between predicts, least recently used dropped first (default
   * 8); 0 uploads and folds a head on every predict, as before the cache (the bench times both).
   */
  headCache?: number;
}

/** Uploads a model's tensors (kept until `dispose()`) after checking its structure. */
export function createModel(data: ModelData, opts: CreateModelOptions = {}): Model {
  checkModelData(data);
  const { spec } = data;
  const params: ParamMap = {};
  for (const [name, t] of Object.entries(data.tensors)) params[name] = tf.tensor(t.data, t.shape, 'float32');
  const lookup = (over: ParamMap) => (name: string): tf.Tensor => {
    const t = over[name] ?? params[name];
    if (!t) throw new ModelError(`no tensor ${name}`);
    return t;
  };
  const toInput = (x: tf.Tensor): tf.Tensor => (x.rank === spec.inputShape.length + 1 ? x : tf.reshape(x, [-1, ...spec.inputShape]));
  const embed = (x: tf.Tensor, opts?: ForwardOptions): tf.Tensor => tf.tidy(() => applyLayers(spec.body, 'body', lookup({}), toInput(x), opts));
  const forwardHead = (over: ParamMap, e: tf.Tensor, opts?: ForwardOptions): tf.Tensor => tf.tidy(() => applyLayers(spec.head, 'head', lookup(over), e, opts));
  const forward = (over: ParamMap, x: tf.Tensor, opts?: ForwardOptions): tf.Tensor =>
    tf.tidy(() => applyLayers(spec.head, 'head', lookup(over), applyLayers(spec.body, 'body', lookup(over), toInput(x), opts), opts));
  const lastLayerInput = (over: ParamMap, x: tf.Tensor, opts?: ForwardOptions): tf.Tensor2D =>
    tf.tidy(() => {
      const g = applyLayers(spec.head.slice(0, -1), 'head', lookup(over), applyLayers(spec.body, 'body', lookup(over), toInput(x), opts), opts);
      return tf.reshape(g, [g.shape[0]!, -1]) as tf.Tensor2D;
    });
  const forwardLast = (over: ParamMap, g: tf.Tensor2D, opts?: ForwardOptions): tf.Tensor2D => tf.tidy(() => applyLayers(spec.head.slice(-1), 'head', lookup(over), g, opts) as tf.Tensor2D);
  let embedShape: number[];
  let outputSize: number | undefined;
  let lastLayerInputSize: number;
  let frozenForward: ForwardOptions & { folds?: FoldCache } = {};
  try {
    embedShape = tf.tidy(() => embed(tf.zeros([1, ...spec.inputShape])).shape.slice(1));
    lastLayerInputSize = tf.tidy(() => sizeOf(applyLayers(spec.head.slice(0, -1), 'head', lookup({}), embed(tf.zeros([1, ...spec.inputShape]))).shape.slice(1)));
    if (data.defaults.headInit === 'learned') {
      const outShape = tf.tidy(() => forward({}, tf.zeros([1, ...spec.inputShape])).shape);
      checkLearnedHead(data, outShape);
      outputSize = outShape[1];
    }
    // After the layer-by-layer checks above, so a bundle whose shapes do not chain fails there, with their message.
    if (opts.fold !== false) frozenForward = { frozen: true, folds: createFoldCache(spec, params) };
  } catch (e) {
    tf.dispose(Object.values(params));
    throw e instanceof ModelError ? e : new ModelError(`forward fails: ${e instanceof Error ? e.message : String(e)}`);
  }
  const heads = createHeadCache(spec, params, frozenForward, opts.headCache ?? DEFAULT_HEAD_CACHE);
  return {
    id: data.id,
    name: data.name,
    spec,
    defaults: data.defaults,
    data,
    params,
    inputSize: sizeOf(spec.inputShape),
    embedShape,
    outputSize,
    lastLayerInputSize,
    frozenForward,
    heads,
    embed,
    forwardHead,
    lastLayerInput,
    forwardLast,
    forward,
    dispose: () => {
      heads.dispose();
      frozenForward.folds?.dispose();
      tf.dispose(Object.values(params));
    },
  };
}
