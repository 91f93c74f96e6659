import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { adapt, applyLayers, createModel, predict } from '../../src/engine/index';
import { createFoldCache, foldedPairs } from '../../src/engine/fold';
import { createRng } from '../../src/util/random';
import { onCpu, useWasm } from './backends';
import { maxAbsDiff } from './grad-check';
import { convModel, imageSupport, randn } from './model-fixtures';
import type { ForwardOptions, ParamMap } from '../../src/engine/index';
import type { Layer } from '../../src/spec/model-spec';

interface Case {
  name: string;
  input: number[];
  layers: Layer[];
}

const conv = (name: string, filters: number, extra: Partial<Extract<Layer, { kind: 'conv2d' }>> = {}): Layer => ({ kind: 'conv2d', name, filters, kernelSize: 3, ...extra });
const bn = (name: string, epsilon?: number): Layer => ({ kind: 'batchNorm', name, ...(epsilon === undefined ? {} : { epsilon }) });
const relu: Layer = { kind: 'relu' };

const CASES: Case[] = [
  { name: "conv 'same' + bn + relu, twice with a pool between", input: [3, 10, 10, 2], layers: [conv('c1', 5, { padding: 'same' }), bn('b1'), relu, { kind: 'maxPool', size: 2 }, conv('c2', 4, { padding: 'same' }), bn('b2'), relu] },
  { name: "conv 'valid' stride 2 + bn (ε 1e-5), no relu", input: [2, 9, 9, 3], layers: [conv('c1', 4, { padding: 'valid', strides: 2 }), bn('b1', 1e-5)] },
  { name: 'conv integer padding 1 + bn + relu', input: [2, 7, 7, 2], layers: [conv('c1', 3, { padding: 1 }), bn('b1'), relu] },
  { name: 'conv integer padding 2, stride 2 + bn + relu', input: [2, 8, 8, 2], layers: [conv('c1', 3, { padding: 2, strides: 2 }), bn('b1'), relu] },
  { name: 'conv + relu (no batch norm)', input: [2, 6, 6, 2], layers: [conv('c1', 3, { padding: 'same' }), relu] },
  { name: 'conv alone (bias only)', input: [2, 6, 6, 2], layers: [conv('c1', 3)] },
  { name: 'dense + bn + relu, then dense', input: [4, 12], layers: [{ kind: 'dense', name: 'd1', units: 8 }, bn('b1'), relu, { kind: 'dense', name: 'd2', units: 5 }] },
  { name: 'dense + relu (no batch norm)', input: [4, 12], layers: [{ kind: 'dense', name: 'd1', units: 6 }, relu] },
];

/**
 * Seeded params for a layer list; batch-norm statistics far from identity: means ±1, variances
 * 0.05–3, and γ of both signs (a negative scale flips the folded kernel's sign before the relu).
 */
function paramsFor(layers: Layer[], input: number[], seed: number): ParamMap {
  const rng = createRng(seed);
  const out: ParamMap = {};
  let channels = input.at(-1)!;
  for (const l of layers) {
    if (l.kind === 'conv2d') {
      out[`body/${l.name}/kernel`] = tf.tensor(randn(rng, [l.kernelSize, l.kernelSize, channels, l.filters], 0.4).data, [l.kernelSize, l.kernelSize, channels, l.filters]);
      out[`body/${l.name}/bias`] = tf.tensor(randn(rng, [l.filters], 0.3).data);
      channels = l.filters;
    } else if (l.kind === 'dense') {
      const units = l.units as number;
      out[`body/${l.name}/kernel`] = tf.tensor(randn(rng, [channels, units], 0.4).data, [channels, units]);
      out[`body/${l.name}/bias`] = tf.tensor(randn(rng, [units], 0.3).data);
      channels = units;
    } else if (l.kind === 'batchNorm') {
      const c = channels;
      out[`body/${l.name}/gamma`] = tf.tensor(Float32Array.from({ length: c }, (_, i) => (i % 3 === 2 ? -1 : 1) * (0.3 + 1.5 * rng.next())));
      out[`body/${l.name}/beta`] = tf.tensor(randn(rng, [c], 0.5).data);
      out[`body/${l.name}/movingMean`] = tf.tensor(randn(rng, [c], 1).data);
      out[`body/${l.name}/movingVariance`] = tf.tensor(Float32Array.from({ length: c }, () => 0.05 + 3 * rng.next()));
    }
  }
  return out;
}

/** Layer-by-layer and frozen forwards of one case on the current backend. */
function runCase(c: Case, seed: number, frozen: ForwardOptions): { plain: Float32Array; fused: Float32Array; scale: number } {
  const ps = paramsFor(c.layers, c.input, seed);
  const x = tf.tensor(randn(createRng(seed + 1), c.input, 1).data, c.input);
  const get = (n: string): tf.Tensor => ps[n]!;
  try {
    const plain = tf.tidy(() => Float32Array.from(applyLayers(c.layers, 'body', get, x).dataSync()));
    const fused = tf.tidy(() => Float32Array.from(applyLayers(c.layers, 'body', get, x, frozen).dataSync()));
    return { plain, fused, scale: Math.max(1, ...Array.from(plain, Math.abs)) };
  } finally {
    tf.dispose([x, ...Object.values(ps)]);
  }
}

/** The kernels the frozen forward of a case runs with its folds made ahead (as a model makes them). */
async function kernelsOf(c: Case, seed: number): Promise<string[]> {
  const ps = paramsFor(c.layers, c.input, seed);
  const x = tf.tensor(randn(createRng(seed + 1), c.input, 1).data, c.input);
  const folds = createFoldCache({ inputShape: c.input.slice(1), task: 'classification', body: c.layers, head: [] }, ps);
  try {
    const p = await tf.profile(() => tf.tidy(() => Float32Array.from(applyLayers(c.layers, 'body', (n) => ps[n]!, x, { frozen: true, folds }).dataSync())));
    return p.kernels.map((k) => k.name);
  } finally {
    folds.dispose();
    tf.dispose([x, ...Object.values(ps)]);
  }
}

describe('the frozen forward (fused runs, batch norms folded) equals the layer-by-layer forward', () => {
  beforeAll(useWasm);

  for (const c of CASES) {
    it(`${c.name}: within 1e-5 relative on wasm and cpu, one fused kernel per run, nothing leaked`, async () => {
      const before = tf.memory().numTensors;
      const wasm = runCase(c, 21, { frozen: true });
      const cpu = await onCpu(() => runCase(c, 21, { frozen: true }));
      for (const r of [wasm, cpu]) {
        expect(r.fused.length).toBe(r.plain.length);
        expect(maxAbsDiff(r.fused, r.plain)).toBeLessThanOrEqual(1e-5 * r.scale);
      }
      // Something non-trivial comes out (the relu does not zero everything).
      expect(wasm.plain.some((v) => v > 0.1)).toBe(true);
      const linear = c.layers.filter((l) => l.kind === 'conv2d' || l.kind === 'dense').length;
      const kernels = await kernelsOf(c, 21);
      expect(kernels.filter((k) => k === 'FusedConv2D' || k === '_FusedMatMul')).toHaveLength(linear);
      for (const k of ['FusedBatchNorm', 'Relu', 'Add', 'Conv2D', 'BatchMatMul']) expect(kernels).not.toContain(k);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("batch norm from the batch's own moments is never folded: the conv runs fused alone, the norm as before", async () => {
    const layers: Layer[] = [conv('c1', 3, { padding: 'same' }), bn('b1'), relu];
    const ps = paramsFor(layers, [3, 6, 6, 2], 5);
    const x = tf.tensor(randn(createRng(6), [3, 6, 6, 2], 1).data, [3, 6, 6, 2]);
    const get = (n: string): tf.Tensor => ps[n]!;
    const run = (opts: ForwardOptions) => tf.tidy(() => Float32Array.from(applyLayers(layers, 'body', get, x, opts).dataSync()));
    const plain = run({ batchNorm: 'batch' });
    const p = await tf.profile(() => run({ batchNorm: 'batch', frozen: true }));
    const fused = run({ batchNorm: 'batch', frozen: true });
    expect(maxAbsDiff(fused, plain)).toBeLessThanOrEqual(1e-5 * Math.max(1, ...Array.from(plain, Math.abs)));
    expect(p.kernels.map((k) => k.name)).toContain('FusedBatchNorm');
    tf.dispose([x, ...Object.values(ps)]);
  });
});

describe("a model's folds", () => {
  beforeAll(useWasm);

  it('are made once at creation (two tensors per conv + batch norm pair), used by the frozen forward, and disposed with the model', () => {
    const data = convModel(11);
    const before = tf.memory().numTensors;
    const plain = createModel(data, { fold: false });
    expect(tf.memory().numTensors - before).toBe(Object.keys(data.tensors).length);
    expect(plain.frozenForward).toEqual({});
    plain.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const model = createModel(data);
    const pairs = foldedPairs(data.spec.body).length;
    expect(pairs).toBe(2);
    expect(model.frozenForward.frozen).toBe(true);
    expect(model.frozenForward.folds!.size).toBe(pairs);
    expect(tf.memory().numTensors - before).toBe(Object.keys(data.tensors).length + 2 * pairs);
    // Forwards do not fold again: the tensor count stays put across them.
    const mid = tf.memory().numTensors;
    tf.tidy(() => model.embed(tf.ones([2, 784]), model.frozenForward).dataSync());
    expect(tf.memory().numTensors).toBe(mid);
    model.dispose();
    expect(model.frozenForward.folds!.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('are handed out only for the tensors they were folded from', () => {
    const data = convModel(12);
    const model = createModel(data, { fold: false });
    const cache = createFoldCache(data.spec, model.params);
    const [pair] = foldedPairs(data.spec.body);
    const stored = (n: string): tf.Tensor => model.params[n]!;
    expect(cache.lookup(pair!, 'body', stored)).toBeDefined();
    for (const name of ['body/conv1/kernel', 'body/conv1/bias', 'body/bn1/gamma', 'body/bn1/beta', 'body/bn1/movingMean', 'body/bn1/movingVariance']) {
      const copy = tf.clone(model.params[name]!);
      // Equal values in another tensor are not the stored ones: an override folds its own.
      expect(cache.lookup(pair!, 'body', (n) => (n === name ? copy : stored(n)))).toBeUndefined();
      copy.dispose();
    }
    cache.dispose();
    model.dispose();
  });

  it('an override of a folded block (adapted conv or batch-norm weights) is folded from its own values', () => {
    const data = convModel(13);
    const model = createModel(data);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor2d(imageSupport(14, 2, 2).inputs);
      const over: ParamMap = {
        'body/bn2/gamma': tf.mul(model.params['body/bn2/gamma']!, -1.5),
        'body/conv2/bias': tf.add(model.params['body/conv2/bias']!, 0.2),
        'body/conv1/kernel': tf.mul(model.params['body/conv1/kernel']!, 0.7),
      };
      const run = (o: ParamMap, opts?: ForwardOptions) => model.lastLayerInput(o, x, opts).dataSync();
      const fused = run(over, model.frozenForward);
      const plain = run(over);
      expect(maxAbsDiff(fused, plain)).toBeLessThanOrEqual(1e-5 * Math.max(1, ...Array.from(plain, Math.abs)));
      // The overrides did change the features (the stored folds were not used for them).
      expect(maxAbsDiff(fused, run({}, model.frozenForward))).toBeGreaterThan(1e-2);
    });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("scope 'late' (frozen prefix folded; the steps' tail as before) gives the layer-by-layer model's predictions", () => {
    // SGD: Adam's steps divide by √v, which turns float noise in near-zero gradients into lr-sized moves.
    const data = convModel(15, { scope: 'late', more: { lateBlocks: 1, optimizer: 'sgd', lr: 0.05 } });
    const folded = createModel(data);
    const plain = createModel(data, { fold: false });
    const support = imageSupport(16, 3, 3, 0.8);
    const queries = imageSupport(17, 3, 2, 0.8).inputs;
    const a = adapt(folded, support, { steps: 4 });
    const b = adapt(plain, support, { steps: 4 });
    expect(a.stepsUsed).toBe(4);
    expect(Math.abs(a.loss.after - b.loss.after)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b.loss.after)));
    for (const [name, t] of Object.entries(a.head.params)) expect(maxAbsDiff(t.data, b.head.params[name]!.data)).toBeLessThanOrEqual(1e-4 * Math.max(1, ...Array.from(t.data, Math.abs)));
    // The adapted head carries the last block's conv and batch-norm weights: predict folds them itself.
    expect(Object.keys(a.head.params)).toContain('body/bn2/gamma');
    const pa = predict(folded, a.head, queries);
    const pb = predict(plain, a.head, queries);
    pa.forEach((p, i) => {
      const q = pb[i]!;
      if (!('label' in p) || !('label' in q)) throw new Error('classification expected');
      expect(p.label).toBe(q.label);
      for (const [label, s] of Object.entries(p.scores)) expect(Math.abs(s - q.scores[label]!)).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(p.distance! - q.distance!)).toBeLessThanOrEqual(1e-4 * Math.max(1, q.distance!));
    });
    folded.dispose();
    plain.dispose();
  });
});
