import type { AdaptationDefaults, ModelData, ModelSpec, NamedTensor, Provenance } from '../spec/model-spec';
import { BundleError } from './errors';
import { arr, int, num, obj, oneOf, shape, str } from './json-checks';
import type { Json } from './json-checks';
import { parseSpec } from './parse-spec';
import { parseDefaults, parseProvenance } from './parse-defaults';
import { specShapes } from './spec-shapes';
import { checkDefaults, checkTensorNames } from './check-model';
import { numel } from './tensor-table';
import type { QuantParams, TensorDtype } from './tensor-table';

/** The key under model.json's `userDefinedMetadata` that holds what tfjs cannot say about a bundle. */
export const METADATA_KEY = 'fewshot';

/** How one tensor was stored in the source bundle. */
export interface StoredAs {
  dtype: TensorDtype;
  quant?: QuantParams;
}

/**
 * Everything a tfjs layers model cannot carry, so export → import gives the same bundle back: the
 * spec (a prototype head has no tfjs layer), the adaptation defaults and limits, the provenance,
 * which tfjs weight is which tensor, the tensors tfjs has no place for (Meta-SGD `lr/*`), and the
 * source bundle's storage (so f16/int8 tensors are re-encoded to the same bytes).
 */
export interface FewshotTfjsMetadata {
  format: 'fewshot-bundle';
  version: 1;
  name: string;
  spec: ModelSpec;
  defaults: AdaptationDefaults;
  provenance: Provenance;
  /** tfjs weight name (`conv1/kernel`) → bundle tensor name (`body/conv1/kernel`). */
  weights: Record<string, string>;
  /** Tensors with no tfjs weight, as float32 values. */
  extra: Record<string, { shape: number[]; data: number[] }>;
  storage?: Record<string, StoredAs>;
}

const bad = (m: string): never => {
  throw new BundleError('tfjs_bad_weights', `userDefinedMetadata.${METADATA_KEY}: ${m}`);
};

/** The fewshot metadata of a model.json, or undefined for a plain tfjs model. */
export function readFewshotMetadata(root: Record<string, Json>): FewshotTfjsMetadata | undefined {
  const udm = root.userDefinedMetadata;
  if (udm === undefined || typeof udm !== 'object' || udm === null || !(METADATA_KEY in udm)) return undefined;
  const m = obj((udm as Record<string, Json>)[METADATA_KEY], `userDefinedMetadata.${METADATA_KEY}`);
  if (m.format !== 'fewshot-bundle' || m.version !== 1) bad(`unknown format ${JSON.stringify(m.format)} version ${JSON.stringify(m.version)}`);
  const weights: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(m.weights, 'weights'))) weights[k] = str(v, `weights.${k}`, 256);
  const extra: FewshotTfjsMetadata['extra'] = {};
  for (const [k, v] of Object.entries(obj(m.extra ?? {}, 'extra'))) {
    const t = obj(v, `extra.${k}`);
    extra[k] = { shape: t.shape === undefined ? [] : shape(t.shape, `extra.${k}.shape`), data: arr(t.data, `extra.${k}.data`).map((x, i) => num(x, `extra.${k}.data[${i}]`)) };
  }
  let storage: Record<string, StoredAs> | undefined;
  if (m.storage !== undefined) {
    storage = {};
    for (const [k, v] of Object.entries(obj(m.storage, 'storage'))) {
      const s = obj(v, `storage.${k}`);
      const dtype = oneOf(s.dtype, `storage.${k}.dtype`, ['f32', 'f16', 'int8'] as const, 'unsupported_dtype');
      if (s.quant === undefined) {
        storage[k] = { dtype };
        continue;
      }
      const q = obj(s.quant, `storage.${k}.quant`);
      const quant: QuantParams = { scale: arr(q.scale, 'scale').map((x) => num(x, 'scale')), zeroPoint: arr(q.zeroPoint, 'zeroPoint').map((x) => int(x, 'zeroPoint', -128, 127)) };
      if (q.axis !== undefined) quant.axis = int(q.axis, 'axis');
      storage[k] = { dtype, quant };
    }
  }
  return {
    format: 'fewshot-bundle',
    version: 1,
    name: str(m.name, 'name', 256),
    spec: parseSpec(m.spec),
    defaults: parseDefaults(m.defaults),
    provenance: parseProvenance(m.provenance),
    weights,
    extra,
    ...(storage ? { storage } : {}),
  };
}

/**
 * The bundle a fewshot-exported model.json describes: tensors from the tfjs weights through the
 * metadata's name map, plus the extra tensors. The metadata's spec is authoritative; the weights
 * must be exactly the ones it names, with the spec's shapes.
 */
export function modelFromMetadata(meta: FewshotTfjsMetadata, weights: Map<string, NamedTensor>, name?: string): Omit<ModelData, 'id'> {
  const tensors: Record<string, NamedTensor> = {};
  for (const [tfName, ours] of Object.entries(meta.weights)) {
    const t = weights.get(tfName) ?? bad(`names weight ${tfName}, which the manifest does not have`);
    if (ours in tensors) bad(`two weights map to ${ours}`);
    tensors[ours] = t;
  }
  const unused = [...weights.keys()].filter((k) => !(k in meta.weights));
  if (unused.length) bad(`the manifest has weights the metadata does not map: ${unused.join(', ')}`);
  for (const [n, t] of Object.entries(meta.extra)) {
    if (n in tensors) bad(`extra tensor ${n} is also a weight`);
    if (t.data.length !== numel(t.shape)) bad(`extra tensor ${n}: ${t.data.length} values for shape [${t.shape}]`);
    tensors[n] = { shape: t.shape, data: Float32Array.from(t.data) };
  }
  const shapes = specShapes(meta.spec);
  checkDefaults(meta.spec, shapes, meta.defaults);
  checkTensorNames(Object.entries(tensors).map(([n, t]) => ({ name: n, shape: t.shape })), shapes, meta.defaults);
  return { name: name ?? meta.name, spec: meta.spec, defaults: meta.defaults, provenance: meta.provenance, tensors };
}
