import { BundleError } from './errors';
import { arr, int, num, obj, str } from './json-checks';
import type { Json } from './json-checks';
import { dequantizeF16 } from './f16';
import { numel } from './tensor-table';
import type { NamedTensor } from '../spec/model-spec';

/** One entry of a tfjs weights manifest (https://www.tensorflow.org/js/guide/save_load). */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'uint8' | 'uint16'; scale: number; min: number } | { dtype: 'float16' };
}

const bad = (m: string): never => {
  throw new BundleError('tfjs_bad_weights', m);
};

/** The weight specs of a manifest, in the order their bytes appear in the concatenated shards. */
export function manifestSpecs(manifest: Json): TfjsWeightSpec[] {
  const specs: TfjsWeightSpec[] = [];
  arr(manifest, 'weightsManifest').forEach((g, gi) => {
    arr(obj(g, `weightsManifest[${gi}]`).weights, `weightsManifest[${gi}].weights`).forEach((w, wi) => {
      const at = `weightsManifest[${gi}].weights[${wi}]`;
      const o = obj(w, at);
      const spec: TfjsWeightSpec = { name: str(o.name, `${at}.name`), shape: arr(o.shape, `${at}.shape`).map((d, i) => int(d, `${at}.shape[${i}]`, 0, 2 ** 31 - 1)), dtype: 'float32' };
      if (o.dtype !== 'float32') throw new BundleError('tfjs_unsupported', `${at} '${spec.name}': dtype ${String(o.dtype)} (only float32 weights can be imported)`);
      if (o.quantization !== undefined) {
        const q = obj(o.quantization, `${at}.quantization`);
        if (q.dtype === 'float16') spec.quantization = { dtype: 'float16' };
        else if (q.dtype === 'uint8' || q.dtype === 'uint16') spec.quantization = { dtype: q.dtype, scale: num(q.scale, `${at}.quantization.scale`), min: num(q.min, `${at}.quantization.min`) };
        else throw new BundleError('tfjs_unsupported', `${at} '${spec.name}': quantization dtype ${String(q.dtype)}`);
      }
      specs.push(spec);
    });
  });
  return specs;
}

/** Shard file names of a manifest, in order. */
export function manifestPaths(manifest: Json): string[] {
  return arr(manifest, 'weightsManifest').flatMap((g, gi) => arr(obj(g, `weightsManifest[${gi}]`).paths, `weightsManifest[${gi}].paths`).map((p, i) => str(p, `weightsManifest[${gi}].paths[${i}]`)));
}

/** Decodes tfjs weights (float32, or quantized uint8/uint16/float16) exactly as tfjs-core's decodeWeights does. */
export function decodeTfjsWeights(specs: TfjsWeightSpec[], weightData: ArrayBuffer): Map<string, NamedTensor> {
  const out = new Map<string, NamedTensor>();
  const view = new DataView(weightData);
  let offset = 0;
  for (const spec of specs) {
    const n = numel(spec.shape);
    const q = spec.quantization;
    const width = q ? (q.dtype === 'uint8' ? 1 : 2) : 4;
    if (offset + n * width > weightData.byteLength) bad(`weight '${spec.name}' needs bytes [${offset}, ${offset + n * width}), the weight data has ${weightData.byteLength}`);
    if (out.has(spec.name)) bad(`weight '${spec.name}' appears twice in the manifest`);
    const data = new Float32Array(n);
    if (!q) for (let i = 0; i < n; i++) data[i] = view.getFloat32(offset + 4 * i, true);
    else if (q.dtype === 'float16') data.set(dequantizeF16(Uint16Array.from({ length: n }, (_, i) => view.getUint16(offset + 2 * i, true))));
    else if (q.dtype === 'uint8') for (let i = 0; i < n; i++) data[i] = view.getUint8(offset + i) * q.scale + q.min;
    else for (let i = 0; i < n; i++) data[i] = view.getUint16(offset + 2 * i, true) * q.scale + q.min;
    const firstBad = data.findIndex((x) => !Number.isFinite(x));
    if (firstBad >= 0) throw new BundleError('non_finite', `weight '${spec.name}' has a non-finite value at index ${firstBad}`);
    out.set(spec.name, { shape: spec.shape, data });
    offset += n * width;
  }
  if (offset !== weightData.byteLength) bad(`the manifest describes ${offset} bytes of weights, the weight data has ${weightData.byteLength}`);
  return out;
}
