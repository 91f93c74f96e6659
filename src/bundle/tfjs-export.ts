import type { Layer, ModelData, NamedTensor } from '../spec/model-spec';
import { BundleError } from './errors';
import type { TfjsWeightSpec } from './tfjs-weights';
import { METADATA_KEY } from './tfjs-metadata';
import type { FewshotTfjsMetadata, StoredAs } from './tfjs-metadata';

/** A tfjs `model.json` object and the one weight shard (`weights.bin`) it names. */
export interface TfjsArtifacts {
  modelJson: {
    format: 'layers-model';
    generatedBy: string;
    convertedBy: null;
    modelTopology: { class_name: 'Sequential'; config: { name: string; layers: object[] }; keras_version: string; backend: string };
    weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
    userDefinedMetadata: { [METADATA_KEY]: FewshotTfjsMetadata };
  };
  weightData: ArrayBuffer;
}

const TFJS_PARAM: Record<string, string> = { kernel: 'kernel', bias: 'bias', gamma: 'gamma', beta: 'beta', movingMean: 'moving_mean', movingVariance: 'moving_variance' };

/**
 * Writes a model as a tfjs-layers Sequential model with float32 weights (load it with
 * `tf.loadLayersModel`). A prototype head (units 'ways') has no weights, so only the body is
 * exported; `lr/*` tensors have no tfjs layer. A classification head gets a softmax so `predict`
 * gives probabilities, as tfjs users expect. What tfjs cannot hold rides in
 * `userDefinedMetadata.fewshot` (spec, defaults, provenance, the weight → tensor map, `lr/*` values,
 * and — when `storage` is given — how the source bundle stored each tensor), so `importTfjsModel`
 * rebuilds the same bundle.
 */
export function exportTfjsModel(model: Omit<ModelData, 'id'>, weightsFile = 'weights.bin', storage?: Record<string, StoredAs>): TfjsArtifacts {
  const ways = model.spec.head.some((l) => l.kind === 'dense' && l.units === 'ways');
  const parts: ['body' | 'head', Layer[]][] = ways ? [['body', model.spec.body]] : [['body', model.spec.body], ['head', model.spec.head]];
  const taken = new Set<string>();
  const unique = (base: string): string => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const layers: { class_name: string; config: Record<string, unknown> }[] = [];
  const specs: TfjsWeightSpec[] = [];
  const values: Float32Array[] = [];
  const weightMap: Record<string, string> = {};
  const addWeights = (part: string, ourName: string, tfName: string, params: string[]): void => {
    for (const p of params) {
      const t: NamedTensor | undefined = model.tensors[`${part}/${ourName}/${p}`];
      if (!t) throw new BundleError('bad_tensor_table', `tensor '${part}/${ourName}/${p}' is missing`);
      specs.push({ name: `${tfName}/${TFJS_PARAM[p]}`, shape: t.shape, dtype: 'float32' });
      weightMap[`${tfName}/${TFJS_PARAM[p]}`] = `${part}/${ourName}/${p}`;
      values.push(t.data);
    }
  };
  for (const [part, list] of parts) {
    for (const layer of list) {
      const tfName = unique('name' in layer ? layer.name : `${layer.kind}_${part}`);
      switch (layer.kind) {
        case 'dense':
          layers.push({ class_name: 'Dense', config: { name: tfName, units: layer.units, activation: 'linear', use_bias: true } });
          addWeights(part, layer.name, tfName, ['kernel', 'bias']);
          break;
        case 'conv2d': {
          const s = layer.strides ?? 1;
          const pad = layer.padding ?? 'valid';
          // Keras has no symmetric integer padding on Conv2D: a ZeroPadding2D before a 'valid' conv is the same.
          if (typeof pad === 'number') layers.push({ class_name: 'ZeroPadding2D', config: { name: unique(`${tfName}_pad`), padding: [[pad, pad], [pad, pad]], data_format: 'channels_last' } });
          layers.push({ class_name: 'Conv2D', config: { name: tfName, filters: layer.filters, kernel_size: [layer.kernelSize, layer.kernelSize], strides: [s, s], padding: typeof pad === 'number' ? 'valid' : pad, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true } });
          addWeights(part, layer.name, tfName, ['kernel', 'bias']);
          break;
        }
        case 'maxPool': {
          const s = layer.strides ?? layer.size;
          layers.push({ class_name: 'MaxPooling2D', config: { name: tfName, pool_size: [layer.size, layer.size], strides: [s, s], padding: layer.padding ?? 'valid', data_format: 'channels_last' } });
          break;
        }
        case 'batchNorm':
          layers.push({ class_name: 'BatchNormalization', config: { name: tfName, axis: -1, momentum: 0.99, epsilon: layer.epsilon ?? 1e-3, center: true, scale: true } });
          addWeights(part, layer.name, tfName, ['gamma', 'beta', 'movingMean', 'movingVariance']);
          break;
        case 'relu':
          layers.push({ class_name: 'Activation', config: { name: tfName, activation: 'relu' } });
          break;
        case 'flatten':
          layers.push({ class_name: 'Flatten', config: { name: tfName } });
          break;
        case 'identity':
          break;
        case 'globalAvgPool':
          layers.push({ class_name: 'GlobalAveragePooling2D', config: { name: tfName, data_format: 'channels_last' } });
          break;
        case 'l2Normalize':
          // tfjs-layers has no L2-normalisation layer; exporting without it would change the model.
          throw new BundleError('tfjs_unsupported', `${part} layer l2Normalize has no tfjs-layers counterpart`);
      }
    }
  }
  if (layers.length === 0) throw new BundleError('bad_input', 'nothing to export: the model has no layers with a tfjs counterpart');
  layers[0]!.config.batch_input_shape = [null, ...model.spec.inputShape];
  const last = layers.at(-1)!;
  if (!ways && model.spec.task === 'classification' && last.class_name === 'Dense') last.config.activation = 'softmax';
  const total = values.reduce((a, v) => a + v.length, 0);
  const weightData = new Float32Array(total);
  let at = 0;
  for (const v of values) {
    weightData.set(v, at);
    at += v.length;
  }
  const mapped = new Set(Object.values(weightMap));
  const extra = Object.fromEntries(Object.entries(model.tensors).filter(([n]) => !mapped.has(n)).map(([n, t]) => [n, { shape: [...t.shape], data: Array.from(t.data) }]));
  const metadata: FewshotTfjsMetadata = { format: 'fewshot-bundle', version: 1, name: model.name, spec: model.spec, defaults: model.defaults, provenance: model.provenance, weights: weightMap, extra, ...(storage ? { storage } : {}) };
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'fewshot-edge bundle export',
      convertedBy: null,
      modelTopology: { class_name: 'Sequential', config: { name: model.name.replace(/[^A-Za-z0-9_.-]/g, '_'), layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
      weightsManifest: [{ paths: [weightsFile], weights: specs }],
      userDefinedMetadata: { [METADATA_KEY]: metadata },
    },
    weightData: weightData.buffer,
  };
}
