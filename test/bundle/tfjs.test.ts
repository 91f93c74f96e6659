import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { BundleError, decodeBundle, encodeBundle, exportTfjsModel, f16ErrorBound, importTfjsModel, manifestPaths } from '../../src/bundle/index';
import type { ModelData } from '../../src/spec/model-spec';
import { createRng } from '../../src/util/random';
import { referenceForward, softmax } from './reference-forward';
import { tinyClassifier } from './fixture-models';
import { createModel } from '../../src/engine/index';

const dir = new URL('../fixtures/tfjs/', import.meta.url);
const VARIANTS = ['model.json', 'model-uint8.json', 'model-uint16.json', 'model-float16.json'] as const;

/** A model.json and its shards read from disk the way the CLI does: paths relative to model.json. */
function readVariant(file: string): { modelJson: any; weightData: ArrayBuffer } {
  const modelJson = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
  const shards = manifestPaths(modelJson.weightsManifest).map((p) => readFileSync(new URL(p, dir)));
  return { modelJson, weightData: new Uint8Array(Buffer.concat(shards)).buffer };
}

/** tfjs's own loader on the same files: the reference for decoding and for predictions. */
function tfjsLoad(v: { modelJson: any; weightData: ArrayBuffer }): Promise<tf.LayersModel> {
  const weightSpecs = v.modelJson.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: v.modelJson.modelTopology, weightSpecs, weightData: v.weightData }));
}

/** Our tensor name for a tfjs weight name like `conv1/moving_mean`. */
function ourName(tfName: string, headLayer: string): string {
  const [layer, param] = tfName.split('/') as [string, string];
  const p = { moving_mean: 'movingMean', moving_variance: 'movingVariance' }[param] ?? param;
  return `${layer === headLayer ? 'head' : 'body'}/${layer}/${p}`;
}

const inputs = (n: number): Float32Array => {
  const rng = createRng(99);
  return Float32Array.from({ length: n * 72 }, () => rng.normal());
};

/** Class probabilities from tfjs's predict, from the naive reference, and from our engine's forward. */
async function predictAll(model: tf.LayersModel, ours: Omit<ModelData, 'id'>, n = 6): Promise<{ tfjs: number[][]; ref: number[][]; engine: number[][] }> {
  const x = inputs(n);
  const engineModel = createModel({ ...ours, id: 'test' });
  const [y, e] = tf.tidy(() => {
    const input = tf.tensor(x, [n, 6, 6, 2]);
    return [model.predict(input) as tf.Tensor, tf.softmax(engineModel.forward({}, input) as tf.Tensor2D)];
  });
  const tfjs = (await y!.array()) as number[][];
  const engine = (await e!.array()) as number[][];
  tf.dispose([y!, e!]);
  engineModel.dispose();
  const ref = Array.from({ length: n }, (_, i) => softmax(referenceForward(ours, x.subarray(i * 72, (i + 1) * 72))));
  return { tfjs, ref, engine };
}

describe('tfjs interop', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const file of VARIANTS) {
    it(`imports ${file} with exactly the weights tfjs's own loader decodes, and the same predictions`, async () => {
      const before = tf.memory().numTensors;
      const v = readVariant(file);
      const model = await tfjsLoad(v);
      const ours = importTfjsModel(v.modelJson, v.weightData, { name: 'fixture' });
      expect(ours.spec.head).toEqual([{ kind: 'dense', name: 'out', units: 3 }]);
      expect(ours.spec.task).toBe('classification');
      expect(ours.defaults.labels).toEqual([0, 1, 2]);
      expect(ours.spec.body.map((l) => l.kind)).toEqual(['conv2d', 'batchNorm', 'relu', 'maxPool', 'conv2d', 'relu', 'flatten', 'dense', 'relu']);
      for (const w of model.weights) {
        const t = ours.tensors[ourName(w.originalName, 'out')]!;
        expect(t.shape).toEqual(w.shape);
        expect(t.data).toEqual(w.read().dataSync());
      }
      // The Dense layer without a bias gets an exact zero bias.
      expect(ours.tensors['body/emb/bias']!.data).toEqual(new Float32Array(8));
      const { tfjs, ref, engine } = await predictAll(model, ours);
      tfjs.forEach((row, i) => row.forEach((p, j) => expect(Math.abs(p - ref[i]![j]!)).toBeLessThan(1e-5)));
      tfjs.forEach((row, i) => row.forEach((p, j) => expect(Math.abs(p - engine[i]![j]!)).toBeLessThan(1e-5)));
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('quantized imports stay within the tfjs quantization step of the float32 weights', () => {
    const exact = importTfjsModel(readVariant('model.json').modelJson, readVariant('model.json').weightData);
    for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
      const v = readVariant(`model-${dtype}.json`);
      const q = importTfjsModel(v.modelJson, v.weightData);
      const specs = v.modelJson.weightsManifest[0].weights as { name: string; quantization: { scale?: number } }[];
      for (const s of specs) {
        const name = ourName(s.name, 'out');
        exact.tensors[name]!.data.forEach((x, i) => {
          const bound = dtype === 'float16' ? f16ErrorBound(x) : s.quantization.scale! / 2 + 1e-6 * Math.abs(x);
          expect(Math.abs(x - q.tensors[name]!.data[i]!)).toBeLessThanOrEqual(bound);
        });
      }
    }
  });

  it('exports back to a tfjs model that tfjs loads and that predicts like the original', async () => {
    const before = tf.memory().numTensors;
    const v = readVariant('model.json');
    const original = await tfjsLoad(v);
    const ours = await decodeBundle(await encodeBundle(importTfjsModel(v.modelJson, v.weightData)));
    const out = exportTfjsModel(ours);
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: out.modelJson.modelTopology, weightSpecs: out.modelJson.weightsManifest[0]!.weights, weightData: out.weightData }));
    const x = tf.tensor(inputs(5), [5, 6, 6, 2]);
    const [a, b] = tf.tidy(() => [original.predict(x) as tf.Tensor, reloaded.predict(x) as tf.Tensor]);
    expect(Array.from(b!.dataSync())).toEqual(Array.from(a!.dataSync()));
    tf.dispose([x, a!, b!]);
    const again = importTfjsModel(out.modelJson, out.weightData);
    expect(again.spec).toEqual(ours.spec);
    for (const [name, t] of Object.entries(ours.tensors)) expect(again.tensors[name]!.data).toEqual(t.data);
    original.dispose();
    reloaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('exports only the body of a prototype-head model, and can import a tfjs model as a prototype head', async () => {
    const out = exportTfjsModel(tinyClassifier());
    expect(out.modelJson.modelTopology.config.layers.map((l: any) => l.class_name)).toEqual(['Dense', 'Activation']);
    const v = readVariant('model.json');
    const proto = importTfjsModel(v.modelJson, v.weightData, { headInit: 'prototype' });
    expect(proto.spec.head).toEqual([{ kind: 'dense', name: 'out', units: 'ways' }]);
    expect(Object.keys(proto.tensors).some((k) => k.startsWith('head/'))).toBe(false);
    expect((await decodeBundle(await encodeBundle(proto))).defaults.headInit).toBe('prototype');
  });

  it('refuses what it cannot map, naming it', () => {
    const v = readVariant('model.json');
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(BundleError);
        return `${(e as BundleError).code}: ${(e as Error).message}`;
      }
      return 'ok';
    };
    const edit = (fn: (j: any) => void): any => {
      const j = structuredClone(v.modelJson);
      fn(j);
      return j;
    };
    expect(code(() => importTfjsModel(edit((j) => (j.modelTopology.class_name = 'Model')), v.weightData))).toMatch(/^tfjs_unsupported.*Sequential/);
    expect(code(() => importTfjsModel(edit((j) => (j.modelTopology.config.layers[1].class_name = 'LSTM')), v.weightData))).toMatch(/^tfjs_unsupported.*LSTM/);
    expect(code(() => importTfjsModel(edit((j) => (j.modelTopology.config.layers[5].config.activation = 'tanh')), v.weightData))).toMatch(/^tfjs_unsupported.*tanh/);
    expect(code(() => importTfjsModel(v.modelJson, v.weightData.slice(0, 100)))).toMatch(/^tfjs_bad_weights/);
    expect(code(() => importTfjsModel(v.modelJson, new Uint8Array([...new Uint8Array(v.weightData), 0, 0, 0, 0]).buffer))).toMatch(/^tfjs_bad_weights/);
    expect(code(() => importTfjsModel(edit((j) => (j.weightsManifest[0].weights[0].dtype = 'int32')), v.weightData))).toMatch(/^tfjs_unsupported.*int32/);
    expect(code(() => importTfjsModel(edit((j) => (j.modelTopology.config.layers.at(-1).config.units = 4)), v.weightData))).toMatch(/^shape_mismatch/);
    expect(code(() => importTfjsModel(v.modelJson, v.weightData, { task: 'regression' }))).toMatch(/^tfjs_unsupported.*softmax/);
  });
});
