import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../src/util/random';
import { quantizeF16 } from '../../src/bundle/f16';

/** A tfjs model.json object as written by `model.save` (plus the weight shards it names). */
export interface TfjsFiles {
  /** File name → contents, all in one directory. */
  files: Record<string, Uint8Array>;
}

/**
 * A small real tfjs-layers Sequential model exercising every supported layer class, with seeded
 * weights (explicit layer names, so the JSON does not depend on tfjs's global name counter).
 */
export function makeTfjsModel(seed = 5): tf.Sequential {
  const m = tf.sequential({ name: 'tfjs_fixture' });
  m.add(tf.layers.inputLayer({ inputShape: [6, 6, 2], name: 'input' }));
  m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv1' }));
  m.add(tf.layers.batchNormalization({ name: 'bn1', epsilon: 0.002 }));
  m.add(tf.layers.activation({ activation: 'relu', name: 'act1' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
  m.add(tf.layers.conv2d({ filters: 3, kernelSize: 2, strides: 1, padding: 'valid', activation: 'relu', name: 'conv2' }));
  m.add(tf.layers.flatten({ name: 'flat' }));
  m.add(tf.layers.dense({ units: 8, activation: 'relu', useBias: false, name: 'emb' }));
  m.add(tf.layers.dropout({ rate: 0.25, name: 'drop' }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }));
  const rng = createRng(seed);
  const values = m.weights.map((w) => {
    const n = w.shape.reduce((a, b) => a! * b!, 1)!;
    const param = w.originalName.split('/').at(-1);
    const fanIn = w.shape.length > 1 ? n / w.shape.at(-1)! : 1;
    const data = Float32Array.from({ length: n }, () =>
      param === 'kernel' ? rng.normal() * Math.sqrt(2 / fanIn) : param === 'moving_variance' ? 0.5 + rng.next() : param === 'gamma' ? 1 + 0.1 * rng.normal() : 0.1 * rng.normal(),
    );
    return tf.tensor(data, w.shape as number[]);
  });
  m.setWeights(values);
  tf.dispose(values);
  return m;
}

/** Saves a model through tfjs's own save path and returns the model.json object and its weight bytes. */
export async function saveArtifacts(m: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let out: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (a) => {
    out = a;
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
  return out!;
}

/** Concatenated weight bytes of artifacts (tfjs 4 may hand them over as one buffer or a list). */
export function weightBytes(a: tf.io.ModelArtifacts): Uint8Array {
  const d = a.weightData!;
  const list = Array.isArray(d) ? d : [d];
  return new Uint8Array(tf.io.concatenateArrayBuffers(list));
}

/**
 * Quantizes float32 weights the way tensorflowjs_converter does (--quantize_uint8/uint16/float16):
 * affine with min and max nudged so 0 is exact, metadata `{dtype, min, scale}`; or IEEE half floats.
 */
export function quantizeArtifacts(specs: tf.io.WeightsManifestEntry[], data: Uint8Array, dtype: 'uint8' | 'uint16' | 'float16'): { weights: tf.io.WeightsManifestEntry[]; data: Uint8Array } {
  const parts: Uint8Array[] = [];
  const weights: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(data.slice(offset, offset + 4 * n).buffer);
    offset += 4 * n;
    if (dtype === 'float16') {
      parts.push(new Uint8Array(quantizeF16(x).buffer));
      weights.push({ ...s, quantization: { dtype: 'float16', original_dtype: 'float32' } } as tf.io.WeightsManifestEntry);
      continue;
    }
    const qmax = dtype === 'uint8' ? 255 : 65535;
    const lo = Math.min(0, ...x);
    const hi = Math.max(0, ...x);
    const scale = hi > lo ? (hi - lo) / qmax : 1;
    const min = -Math.round(-lo / scale) * scale;
    const q = Array.from(x, (v) => Math.min(qmax, Math.max(0, Math.round((v - min) / scale))));
    parts.push(new Uint8Array((dtype === 'uint8' ? Uint8Array.from(q) : Uint16Array.from(q)).buffer));
    weights.push({ ...s, quantization: { dtype, min, scale, original_dtype: 'float32' } } as tf.io.WeightsManifestEntry);
  }
  return { weights, data: new Uint8Array(tf.io.concatenateArrayBuffers(parts.map((p) => p.buffer as ArrayBuffer))) };
}

/** The committed fixture set: float32 in two shards, and uint8/uint16/float16-quantized copies. */
export async function tfjsFixtureFiles(): Promise<TfjsFiles> {
  const m = makeTfjsModel();
  const a = await saveArtifacts(m);
  m.dispose();
  const data = weightBytes(a);
  const base = { format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, modelTopology: a.modelTopology };
  const enc = new TextEncoder();
  const cut = 64 * Math.floor(data.length / 128);
  const files: Record<string, Uint8Array> = {
    'model.json': enc.encode(`${JSON.stringify({ ...base, weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: a.weightSpecs }] }, null, 1)}\n`),
    'group1-shard1of2.bin': data.slice(0, cut),
    'group1-shard2of2.bin': data.slice(cut),
  };
  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    const q = quantizeArtifacts(a.weightSpecs!, data, dtype);
    files[`model-${dtype}.json`] = enc.encode(`${JSON.stringify({ ...base, weightsManifest: [{ paths: [`${dtype}.bin`], weights: q.weights }] }, null, 1)}\n`);
    files[`${dtype}.bin`] = q.data;
  }
  return { files };
}
