import type { AdaptationDefaults, HeadInit, Layer, ModelData, NamedTensor, Padding, Provenance, TaskKind } from '../spec/model-spec';
import { BundleError } from './errors';
import { arr, int, num, obj, str } from './json-checks';
import type { Json } from './json-checks';
import { decodeTfjsWeights, manifestSpecs } from './tfjs-weights';
import { parseSpec } from './parse-spec';
import { parseDefaults } from './parse-defaults';
import { specShapes } from './spec-shapes';
import { checkDefaults, checkTensorNames } from './check-model';
import { modelFromMetadata, readFewshotMetadata } from './tfjs-metadata';

export interface TfjsImportOptions {
  name?: string;
  /** Default: classification when the last Dense layer has a softmax activation, else regression. */
  task?: TaskKind;
  /** 'prototype' drops the last Dense layer's weights and sizes it per support set ('ways'). */
  headInit?: HeadInit;
  defaults?: Partial<AdaptationDefaults>;
  provenance?: Partial<Provenance>;
}

const unsupported = (m: string): never => {
  throw new BundleError('tfjs_unsupported', m);
};

/** A square 2-D window parameter: `3` or `[3, 3]`. */
function square(v: Json, path: string): number {
  if (typeof v === 'number') return int(v, path, 1);
  const [a, b, ...rest] = arr(v, path).map((x, i) => int(x, `${path}[${i}]`, 1));
  if (a === undefined || (b !== undefined && b !== a) || rest.length) unsupported(`${path}: only square windows are supported, got ${JSON.stringify(v)}`);
  return a!;
}

/** The Sequential layer list of a tfjs (or Keras-converted) model.json. */
function sequentialLayers(modelJson: Json): Json[] {
  const root = obj(modelJson, 'model.json');
  const topo = obj(root.modelTopology ?? root, 'modelTopology');
  const model = obj(topo.model_config ?? topo, 'modelTopology.model_config');
  if (model.class_name !== 'Sequential') unsupported(`only Sequential models can be imported, this is a ${String(model.class_name)}`);
  const config = model.config;
  return Array.isArray(config) ? config : arr(obj(config, 'config').layers, 'config.layers');
}

/**
 * Maps a tfjs-layers Sequential model (Dense, Conv2D, MaxPooling2D, BatchNormalization, Flatten,
 * Activation relu/linear/softmax, Dropout, InputLayer) and its concatenated weight shards to our
 * model: the last Dense layer and what follows it is the head, everything before it the body.
 * A model.json written by `exportTfjsModel` is read through its `userDefinedMetadata.fewshot`
 * instead (only `opts.name` applies), so the round trip loses nothing.
 */
export function importTfjsModel(modelJson: object, weightData: ArrayBuffer, opts: TfjsImportOptions = {}): Omit<ModelData, 'id'> {
  const root = obj(modelJson, 'model.json');
  const weights = decodeTfjsWeights(manifestSpecs(root.weightsManifest), weightData);
  // A model exported by fewshot says what it was: the same spec, defaults, provenance and tensors.
  const meta = readFewshotMetadata(root);
  if (meta) return modelFromMetadata(meta, weights, opts.name);
  const used = new Set<string>();
  const take = (layer: string, param: string): NamedTensor | undefined => {
    const exact = `${layer}/${param}`;
    const hits = weights.has(exact) ? [exact] : [...weights.keys()].filter((k) => k.endsWith(`/${exact}`));
    if (hits.length > 1) throw new BundleError('tfjs_bad_weights', `weight ${exact} is ambiguous: ${hits.join(', ')}`);
    if (hits[0]) used.add(hits[0]);
    return hits[0] ? weights.get(hits[0]) : undefined;
  };
  const need = (layer: string, param: string): NamedTensor => take(layer, param) ?? (() => { throw new BundleError('tfjs_bad_weights', `no weight ${layer}/${param} in the manifest`); })();
  const constant = (n: number, v: number): NamedTensor => ({ shape: [n], data: new Float32Array(n).fill(v) });

  const layers: { layer: Layer; params: Record<string, NamedTensor> }[] = [];
  let inputShape: number[] | undefined;
  let softmaxAt = -1;
  let rank = 0;
  sequentialLayers(modelJson).forEach((l, i) => {
    const at = `layers[${i}]`;
    const o = obj(l, at);
    const cls = str(o.class_name, `${at}.class_name`);
    const c = obj(o.config ?? {}, `${at}.config`);
    const batchShape = c.batch_input_shape ?? c.batch_shape ?? c.batchInputShape;
    if (batchShape !== undefined && !inputShape) {
      inputShape = arr(batchShape, `${at}.batch_input_shape`).slice(1).map((d, k) => int(d, `${at}.batch_input_shape[${k + 1}]`, 1));
      rank = inputShape.length;
    }
    const name = cls === 'InputLayer' || cls === 'Dropout' ? '' : str(c.name, `${at}.config.name`, 128).replace(/[^A-Za-z0-9_.:-]/g, '_');
    if (softmaxAt >= 0 && cls !== 'Dropout') unsupported(`${at} ${cls}: nothing may follow a softmax`);
    const activation = (act: Json): void => {
      if (act === undefined || act === null || act === 'linear') return;
      if (act === 'relu') layers.push({ layer: { kind: 'relu' }, params: {} });
      else if (act === 'softmax') softmaxAt = layers.length;
      else unsupported(`${at} ${cls}: activation ${String(act)} (supported: relu, linear, softmax last)`);
    };
    switch (cls) {
      case 'InputLayer':
      case 'Dropout':
        return;
      case 'Flatten':
        layers.push({ layer: { kind: 'flatten' }, params: {} });
        rank = 1;
        return;
      case 'Activation':
        activation(c.activation);
        return;
      case 'Dense': {
        const kernel = need(name, 'kernel');
        const units = int(c.units, `${at}.config.units`, 1);
        layers.push({ layer: { kind: 'dense', name, units }, params: { kernel, bias: c.use_bias === false ? constant(units, 0) : need(name, 'bias') } });
        activation(c.activation);
        return;
      }
      case 'Conv2D': {
        if ((c.data_format ?? 'channels_last') !== 'channels_last') unsupported(`${at} Conv2D: data_format ${String(c.data_format)}`);
        if (c.dilation_rate !== undefined && square(c.dilation_rate, `${at}.config.dilation_rate`) !== 1) unsupported(`${at} Conv2D: dilation`);
        if (c.padding !== 'same' && c.padding !== 'valid') unsupported(`${at} Conv2D: padding ${String(c.padding)}`);
        const filters = int(c.filters, `${at}.config.filters`, 1);
        const layer: Layer = { kind: 'conv2d', name, filters, kernelSize: square(c.kernel_size, `${at}.config.kernel_size`), strides: c.strides === undefined ? 1 : square(c.strides, `${at}.config.strides`), padding: c.padding as Padding };
        layers.push({ layer, params: { kernel: need(name, 'kernel'), bias: c.use_bias === false ? constant(filters, 0) : need(name, 'bias') } });
        activation(c.activation);
        return;
      }
      case 'MaxPooling2D': {
        if ((c.data_format ?? 'channels_last') !== 'channels_last') unsupported(`${at} MaxPooling2D: data_format ${String(c.data_format)}`);
        if (c.padding !== 'same' && c.padding !== 'valid') unsupported(`${at} MaxPooling2D: padding ${String(c.padding)}`);
        const size = square(c.pool_size, `${at}.config.pool_size`);
        layers.push({ layer: { kind: 'maxPool', size, strides: c.strides == null ? size : square(c.strides, `${at}.config.strides`), padding: c.padding as Padding }, params: {} });
        return;
      }
      case 'BatchNormalization': {
        const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis ?? -1;
        if (axis !== -1 && axis !== rank) unsupported(`${at} BatchNormalization: axis ${JSON.stringify(c.axis)} (only the channel axis)`);
        const mean = need(name, 'moving_mean');
        const channels = mean.data.length;
        const layer: Layer = { kind: 'batchNorm', name, epsilon: c.epsilon === undefined ? 1e-3 : num(c.epsilon, `${at}.config.epsilon`) };
        const gamma = c.scale === false ? constant(channels, 1) : need(name, 'gamma');
        const beta = c.center === false ? constant(channels, 0) : need(name, 'beta');
        layers.push({ layer, params: { gamma, beta, movingMean: mean, movingVariance: need(name, 'moving_variance') } });
        return;
      }
      default:
        unsupported(`${at}: layer ${cls} is not supported (Dense, Conv2D, MaxPooling2D, BatchNormalization, Flatten, Activation, Dropout, InputLayer)`);
    }
  });
  const unused = [...weights.keys()].filter((k) => !used.has(k));
  if (unused.length) throw new BundleError('tfjs_bad_weights', `weights not used by any layer: ${unused.join(', ')}`);
  if (!inputShape) unsupported('the first layer has no batch_input_shape');
  const lastDense = layers.map((l) => l.layer.kind).lastIndexOf('dense');
  if (lastDense < 0) unsupported('the model has no Dense layer to become the head');
  if (softmaxAt >= 0 && softmaxAt !== layers.length) unsupported('softmax is only supported as the final activation');
  const task: TaskKind = opts.task ?? (softmaxAt >= 0 ? 'classification' : 'regression');
  if (task === 'regression' && softmaxAt >= 0) unsupported('a softmax output cannot be imported as a regression model');
  return assemble(layers, lastDense, inputShape!, task, root, opts);
}

function assemble(layers: { layer: Layer; params: Record<string, NamedTensor> }[], lastDense: number, inputShape: number[], task: TaskKind, root: Record<string, Json>, opts: TfjsImportOptions): Omit<ModelData, 'id'> {
  const headInit = opts.headInit ?? 'learned';
  const tensors: Record<string, NamedTensor> = {};
  const parts = { body: layers.slice(0, lastDense), head: layers.slice(lastDense) };
  for (const [part, list] of Object.entries(parts)) {
    for (const [i, { layer, params }] of list.entries()) {
      if (headInit === 'prototype' && part === 'head' && i === 0) continue;
      for (const [p, t] of Object.entries(params)) tensors[`${part}/${(layer as { name: string }).name}/${p}`] = t;
    }
  }
  if (headInit === 'prototype') parts.head[0] = { layer: { ...(parts.head[0]!.layer as Layer & { kind: 'dense' }), units: 'ways' }, params: {} };
  const spec = parseSpec({ inputShape, task, body: parts.body.map((l) => l.layer), head: parts.head.map((l) => l.layer) });
  const units = (parts.head[0]!.layer as { units: number | 'ways' }).units;
  const defaults = parseDefaults({
    scope: 'head',
    steps: 10,
    lr: task === 'classification' ? 0.1 : 0.01,
    lrMode: 'scalar',
    headInit,
    limits: { minSteps: 0, maxSteps: 100, minLr: 1e-5, maxLr: 10, maxClasses: Math.max(50, typeof units === 'number' ? units : 0), maxExamples: 500 },
    // A learned classifier's outputs are class indices unless the caller names them.
    ...(task === 'classification' && headInit === 'learned' && typeof units === 'number' ? { labels: Array.from({ length: units }, (_, i) => i) } : {}),
    ...opts.defaults,
  });
  const shapes = specShapes(spec);
  checkDefaults(spec, shapes, defaults);
  checkTensorNames(Object.entries(tensors).map(([name, t]) => ({ name, shape: t.shape })), shapes, defaults);
  const provenance: Provenance = { algorithm: 'tfjs-import', dataset: 'unknown', ...(typeof root.generatedBy === 'string' ? { generatedBy: root.generatedBy } : {}), ...(typeof root.convertedBy === 'string' ? { convertedBy: root.convertedBy } : {}), ...opts.provenance };
  return { name: opts.name ?? 'tfjs-model', spec, defaults, provenance, tensors };
}
