import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { decodeBundle, encodeBundle, exportTfjsModel, readBundleHeader } from '../../src/bundle/index';
import { parseSafetensors, tensorF32 } from '../../src/bundle/safetensors';
import { importTorchStateDict } from '../../src/bundle/torch-import';
import { readStateDict } from '../../src/bundle/state-dict';
import { adapt, createModel } from '../../src/engine/index';
import { onCpu, useWasm } from '../engine/backends';
import { writeSafetensors } from './safetensors-writer';
import { refusal } from './refusal';

const dir = new URL('../fixtures/torch/', import.meta.url);
const read = (f: string): Uint8Array => new Uint8Array(readFileSync(new URL(f, dir)));
const json = (f: string): any => JSON.parse(readFileSync(new URL(f, dir), 'utf8'));

/** PyTorch's NCHW-flattened image rows → ours (NHWC-flattened); vectors are unchanged. */
function toNhwc(rows: number[][], inputShape: number[]): number[][] {
  if (inputShape.length !== 3) return rows;
  const [c, h, w] = inputShape as [number, number, number];
  return rows.map((r) => {
    const out: number[] = [];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) out.push(r[ch * h * w + y * w + x]!);
    return out;
  });
}

describe('import from PyTorch (safetensors)', () => {
  beforeAll(useWasm);

  // Tolerance: |ours − torch| ≤ 1e-5·max(1, |torch|). Both sides compute in float32 with different
  // summation orders (XNNPACK vs PyTorch's CPU kernels); for sums of ≤ 72 products of O(1) values
  // the rounding differences are ~1e-6 absolute, so an absolute bound for small outputs and a
  // relative one for large outputs (logits here reach ~10) is the right shape.
  for (const name of ['cnn4', 'omniglotcnn', 'mlp']) {
    it(`${name}: our forward (stored batch-norm statistics) reproduces PyTorch eval-mode outputs to 1e-5`, async () => {
      const fx = json(`${name}.json`);
      const model = importTorchStateDict(readStateDict(read(`${name}.safetensors`)), json(`${name}.spec.json`));
      const m = createModel(await decodeBundle(await encodeBundle(model)));
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => m.forward({}, tf.tensor2d(toNhwc(fx.inputs, fx.inputShape))).arraySync()) as number[][];
      expect(tf.memory().numTensors).toBe(before);
      let worst = 0;
      out.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - fx.outputs[i][j]) / Math.max(1, Math.abs(fx.outputs[i][j]))))));
      expect(out.length).toBe(fx.outputs.length);
      expect(worst).toBeLessThan(1e-5);
      m.dispose();
    });
  }

  it('the conv model needs the NCHW→NHWC row permutation of its first linear layer: without it the outputs are wrong', async () => {
    const fx = json('cnn4.json');
    const model = importTorchStateDict(readStateDict(read('cnn4.safetensors')), json('cnn4.spec.json'));
    // Undo the permutation: rows in PyTorch's C,H,W order, as a naive transpose would leave them.
    const torchW = tensorF32(parseSafetensors(read('cnn4.safetensors')), 'classifier.weight');
    const naive = new Float32Array(72 * 5);
    for (let o = 0; o < 5; o++) for (let r = 0; r < 72; r++) naive[r * 5 + o] = torchW.data[o * 72 + r]!;
    const m = createModel(await decodeBundle(await encodeBundle({ ...model, tensors: { ...model.tensors, 'head/classifier/kernel': { shape: [72, 5], data: naive } } })));
    const out = tf.tidy(() => m.forward({}, tf.tensor2d(toNhwc(fx.inputs, fx.inputShape))).arraySync()) as number[][];
    const worst = Math.max(...out.flatMap((row, i) => row.map((v, j) => Math.abs(v - fx.outputs[i][j]))));
    expect(worst).toBeGreaterThan(0.01);
    m.dispose();
  });

  it('OmniglotCNN needs PyTorch padding (format 1.1): with tfjs "same" padding its outputs are wrong', async () => {
    const fx = json('omniglotcnn.json');
    const model = importTorchStateDict(readStateDict(read('omniglotcnn.safetensors')), json('omniglotcnn.spec.json'));
    expect((await readBundleHeader(await encodeBundle(model))).version).toBe('1.1');
    const same = { ...model, spec: { ...model.spec, body: model.spec.body.map((l) => (l.kind === 'conv2d' ? { ...l, padding: 'same' as const } : l)) } };
    const m = createModel(await decodeBundle(await encodeBundle(same)));
    const out = tf.tidy(() => m.forward({}, tf.tensor2d(fx.inputs)).arraySync()) as number[][];
    expect(Math.max(...out.flatMap((row, i) => row.map((v, j) => Math.abs(v - fx.outputs[i][j]))))).toBeGreaterThan(0.01);
    m.dispose();
  });

  it('the imported OmniglotCNN adapts end to end (scope all: gradients through padded strided convs and the global mean)', async () => {
    const fx = json('omniglotcnn.json');
    const model = importTorchStateDict(readStateDict(read('omniglotcnn.safetensors')), { ...json('omniglotcnn.spec.json'), defaults: { scope: 'all', steps: 5, lr: 0.1 } });
    const m = createModel(await decodeBundle(await encodeBundle(model)));
    const before = tf.memory().numTensors;
    const r = adapt(m, { inputs: fx.inputs, labels: [0, 1, 2] });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.path).toBe('autodiff');
    expect(Object.keys(r.head.params)).toContain('body/conv1/kernel');
    expect(r.loss.after).toBeLessThan(r.loss.before);
    // The cpu backend (tfjs's reference kernels) gives the same adapted weights: the wasm gradients
    // through explicit padding and the mean are right.
    const cpu = await onCpu(() => {
      const mc = createModel(m.data);
      const out = adapt(mc, { inputs: fx.inputs, labels: [0, 1, 2] });
      mc.dispose();
      return out;
    });
    for (const [name, t] of Object.entries(r.head.params)) {
      const scale = Math.max(1, ...t.data.map(Math.abs));
      const worst = Math.max(...t.data.map((v, i) => Math.abs(v - cpu.head.params[name]!.data[i]!)));
      expect(worst, name).toBeLessThan(1e-5 * scale);
    }
    m.dispose();
  });

  it('exports the imported OmniglotCNN to tfjs-layers (ZeroPadding2D + Conv2D, GlobalAveragePooling2D): tfjs predicts softmax(PyTorch logits)', async () => {
    const fx = json('omniglotcnn.json');
    const model = importTorchStateDict(readStateDict(read('omniglotcnn.safetensors')), json('omniglotcnn.spec.json'));
    const { modelJson, weightData } = exportTfjsModel(model);
    const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
    const loaded = await tfl.loadLayersModel(tfl.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData } as never));
    const probs = tfl.tidy(() => (loaded.predict(tfl.tensor4d(fx.inputs.flat(), [fx.inputs.length, 28, 28, 1])) as tfl.Tensor).arraySync()) as number[][];
    loaded.dispose();
    probs.forEach((row, i) => {
      const z = fx.outputs[i] as number[];
      const mx = Math.max(...z);
      const e = z.map((v) => Math.exp(v - mx));
      const sum = e.reduce((a, b) => a + b, 0);
      row.forEach((p, j) => expect(Math.abs(p - e[j]! / sum)).toBeLessThan(1e-5));
    });
  });

  it('decodes F16 and BF16 exactly, skips num_batches_tracked, and writes PyTorch’s batch-norm epsilon', () => {
    const st = parseSafetensors(read('mlp.safetensors'));
    expect(st.entries.get('net.0.weight')!.dtype).toBe('BF16');
    expect(st.entries.get('net.1.running_var')!.dtype).toBe('F16');
    expect(st.entries.get('net.1.num_batches_tracked')!.dtype).toBe('I64');
    expect(st.metadata.format).toBe('pt');
    const model = importTorchStateDict(readStateDict(read('mlp.safetensors')), json('mlp.spec.json'));
    expect(model.spec.body[1]).toEqual({ kind: 'batchNorm', name: 'net.1', epsilon: 1e-5 });
    expect(model.defaults.labels).toEqual(['a', 'b', 'c']);
    const bytes = writeSafetensors({ h: { dtype: 'F16', shape: [3], values: [0x3c00, 0xc000, 0x0001] }, b: { dtype: 'BF16', shape: [2], values: [0x3f80, 0xc049] } });
    const small = parseSafetensors(bytes);
    expect([...tensorF32(small, 'h').data]).toEqual([1, -2, 2 ** -24]);
    expect([...tensorF32(small, 'b').data]).toEqual([1, Math.fround(-3.140625)]);
  });

  it('refuses malformed files with one clear line: overlap, out of range, trailing bytes, holes, sizes, header', () => {
    const ok = { a: { dtype: 'F32', shape: [2], values: [0, 0] }, b: { dtype: 'F32', shape: [1], values: [0] } };
    const cases: [Uint8Array, RegExp][] = [
      [writeSafetensors(ok, { offsets: { a: [0, 8], b: [4, 8] } }), /overlaps/],
      [writeSafetensors(ok, { offsets: { a: [0, 8], b: [8, 16] } }), /outside the 12-byte data buffer/],
      [writeSafetensors(ok, { trailing: 4 }), /4 trailing bytes/],
      [writeSafetensors(ok, { offsets: { a: [4, 12], b: [0, 0] } }), /bytes for F32 \[1\]/],
      [writeSafetensors(ok, { offsets: { a: [0, 8], b: [12, 16] }, trailing: 4 }), /outside|unused bytes/],
      [writeSafetensors(ok, { headerLength: 1e9 }), /header length 1000000000 does not fit/],
      [writeSafetensors(ok, { rawHeader: '{"a": ' }), /not UTF-8 JSON/],
      [writeSafetensors({ a: { dtype: 'Q4', shape: [1], values: [0] } }), /unknown dtype "Q4"/],
      [new Uint8Array(5), /too short/],
    ];
    for (const [bytes, why] of cases) {
      const e = refusal(() => parseSafetensors(bytes));
      expect(e.code).toBe('safetensors_invalid');
      expect(e.message).toMatch(why);
      expect(e.message).not.toContain('\n');
    }
    const i64 = parseSafetensors(writeSafetensors({ w: { dtype: 'I64', shape: [1], values: [0] } }));
    expect(refusal(() => tensorF32(i64, 'w')).message).toMatch(/'w' is I64; only F32, F16, BF16 \(and F64, rounded to F32\)/);
  });

  it('refuses missing keys, unused keys, and shape mismatches naming the key and both shapes', () => {
    const st = readStateDict(read('cnn4.safetensors'));
    const spec = json('cnn4.spec.json');
    const wrongFilters = { ...spec, spec: { ...spec.spec, body: spec.spec.body.map((l: any) => (l.name === 'conv1' ? { ...l, filters: 16 } : l)) } };
    expect(refusal(() => importTorchStateDict(st, wrongFilters)).message).toMatch(/body\/conv1\/kernel ← 'features\.1\.conv\.weight': torch shape \[8,8,3,3\] does not fit \[3,3,8,16\] \(expected torch shape \[16,8,3,3\]\)/);
    const noModules = { ...spec, modules: undefined };
    expect(refusal(() => importTorchStateDict(st, noModules)).message).toMatch(/body\/conv0\/kernel ← 'conv0\.weight': no such key/);
    const unusedSt = readStateDict(writeSafetensors({ 'x.weight': { dtype: 'F32', shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }, 'x.bias': { dtype: 'F32', shape: [2], values: [0, 0] }, 'extra.weight': { dtype: 'F32', shape: [1], values: [0] } }));
    const lin = { spec: { inputShape: [3], task: 'regression', body: [], head: [{ kind: 'dense', name: 'x', units: 2 }] } };
    expect(refusal(() => importTorchStateDict(unusedSt, lin)).message).toMatch(/torch key 'extra\.weight' is not used by the spec; list it under "ignore"/);
    const r = importTorchStateDict(unusedSt, { ...lin, ignore: ['extra.*'] });
    expect([...r.tensors['head/x/kernel']!.data]).toEqual([1, 4, 2, 5, 3, 6]); // [out,in] → [in,out]
    expect(refusal(() => importTorchStateDict(unusedSt, { ...lin, ignore: ['extra.*'], tensors: { 'head/x/kernel': null } })).message).toMatch(/only a bias, beta or gamma may be mapped to null/);
    expect(importTorchStateDict(unusedSt, { ...lin, ignore: ['extra.*', 'x.bias'], tensors: { 'head/x/bias': null } }).tensors['head/x/bias']!.data).toEqual(new Float32Array(2));
  });
});

describe('the learn2learn example specs (examples/torch/)', () => {
  const keys = json('l2l-keys.json') as Record<string, Record<string, number[]>>;
  /** A safetensors file with the model's exact keys and shapes (seeded values; I64 for num_batches_tracked). */
  const fake = (model: string): Uint8Array => {
    let s = 1;
    const next = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    return writeSafetensors(
      Object.fromEntries(
        Object.entries(keys[model]!).map(([k, shape]) => {
          const n = shape.reduce((a, b) => a * b, 1);
          if (k.endsWith('num_batches_tracked')) return [k, { dtype: 'I64', shape, values: [0] }];
          return [k, { dtype: 'F32', shape, values: Array.from({ length: n }, () => (k.endsWith('running_var') ? 1 + Math.abs(next()) : next())) }];
        }),
      ),
    );
  };
  const spec = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../examples/torch/${f}`, import.meta.url), 'utf8'));

  it('l2l-cnn4-maml.spec.json maps every key of CNN4(output_size=5): learned 5-way head, 1600-d flatten permuted', async () => {
    const model = importTorchStateDict(readStateDict(fake('cnn4')), spec('l2l-cnn4-maml.spec.json'));
    expect(model.tensors['head/classifier/kernel']!.shape).toEqual([1600, 5]);
    expect(model.defaults).toMatchObject({ scope: 'head', steps: 5, lr: 0.5, headInit: 'learned', labels: [0, 1, 2, 3, 4] });
    const m = createModel(await decodeBundle(await encodeBundle(model)));
    expect(m.embedShape).toEqual([1600]);
    m.dispose();
  });

  it('l2l-omniglotcnn-maml.spec.json maps OmniglotCNN(output_size=5): strided padded convs, global mean, duplicate keys ignored', async () => {
    const model = importTorchStateDict(readStateDict(fake('omniglotcnn')), spec('l2l-omniglotcnn-maml.spec.json'));
    expect(model.tensors['head/classifier/kernel']!.shape).toEqual([64, 5]);
    const m = createModel(await decodeBundle(await encodeBundle(model)));
    expect(m.embedShape).toEqual([64]);
    m.dispose();
  });

  it('l2l-protonet-convnet.spec.json maps every key of the ProtoNet Convnet: prototype head over 1600-d', async () => {
    const model = importTorchStateDict(readStateDict(fake('protonet-convnet')), spec('l2l-protonet-convnet.spec.json'));
    expect(model.defaults).toMatchObject({ headInit: 'prototype', steps: 10, lr: 0.01 });
    expect(Object.keys(model.tensors)).toHaveLength(24);
  });
});
