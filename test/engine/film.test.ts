import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { filmAdaptedLoss } from '../../src/algorithms/protofilm';
import { adapt, createModel, predict } from '../../src/engine/index';
import { filmTail, maxPool2 } from '../../src/engine/film';
import { filmNames } from '../../src/engine/adapted-params';
import { innerLoopTensors } from '../../src/engine/inner-loop';
import { prototypeHead } from '../../src/engine/prototype';
import { createRng } from '../../src/util/random';
import type { ModelSpec } from '../../src/spec/model-spec';
import { lossTensor } from '../../src/engine/losses';
import { encodeHead } from '../../src/head/codec';
import { toBatch } from '../../src/tasks/batch';
import { onCpu, useWasm } from './backends';
import { directionalCheck, maxAbsDiff, spacedTensor } from './grad-check';
import { convModel, imageSupport } from './model-fixtures';
import type { ClassPrediction } from '../../src/engine/index';
import type { ParamMap } from '../../src/engine/params';
import type { ClassificationTask } from '../../src/tasks/types';

const labelsOf = (preds: unknown[]) => (preds as ClassPrediction[]).map((p) => p.label);

describe("scope 'film' (feature adaptation at the last batch norm)", () => {
  beforeAll(useWasm);

  it('maxPool2 has tf.maxPool values on even and odd sizes, on wasm and cpu', async () => {
    const check = () =>
      tf.tidy(() => [6, 7, 3].map((s) => {
        const x = spacedTensor([2, s, s, 3], s, 0.01) as tf.Tensor4D;
        return maxAbsDiff(maxPool2(x).dataSync(), tf.maxPool(x, 2, 2, 'valid').dataSync());
      }));
    for (const diffs of [check(), await onCpu(check)]) expect(diffs).toEqual([0, 0, 0]);
  });

  it('at 0 steps predicts exactly as the prototype head does; steps lower the support loss and move the predictions', () => {
    const film = createModel(convModel(11, { scope: 'film' }));
    const head = createModel(convModel(11, { scope: 'head' }));
    const s = imageSupport(12, 3, 3, 0.6);
    const queries = imageSupport(13, 3, 4, 0.6).inputs;
    const f0 = adapt(film, s, { steps: 0 });
    const h0 = adapt(head, s, { steps: 0 });
    const p0 = predict(film, f0.head, queries) as ClassPrediction[];
    const q0 = predict(head, h0.head, queries) as ClassPrediction[];
    expect(labelsOf(p0)).toEqual(labelsOf(q0));
    p0.forEach((p, i) => expect(Math.abs(p.distance! - q0[i]!.distance!)).toBeLessThan(1e-3 * (1 + p.distance!)));
    const f10 = adapt(film, s, { steps: 10, lr: 1 });
    expect(f10.loss.after).toBeLessThan(f10.loss.before);
    expect(Object.keys(f10.head.params).sort()).toEqual([...filmNames(film.spec), 'head/out/bias', 'head/out/kernel'].sort());
    expect(Array.from(f10.head.params['body/bn2/gamma']!.data)).not.toEqual(Array.from(film.data.tensors['body/bn2/gamma']!.data));
    const d10 = (predict(film, f10.head, queries) as ClassPrediction[]).map((p) => p.distance);
    expect(d10).not.toEqual(p0.map((p) => p.distance));
    film.dispose();
    head.dispose();
  });

  it('gives bit-identical head bytes for the same request, and leaves no tensor behind', async () => {
    const model = createModel(convModel(14, { scope: 'film' }));
    const s = imageSupport(15, 2, 3);
    const before = tf.memory().numTensors;
    const a = await encodeHead(adapt(model, s, { steps: 5, lr: 1 }).head);
    const b = await encodeHead(adapt(model, s, { steps: 5, lr: 1 }).head);
    predict(model, adapt(model, s).head, s.inputs);
    // Only what the model's head cache keeps of the head predict used (disposed with the model).
    expect(tf.memory().numTensors).toBe(before + model.heads.tensors);
    expect(model.heads.size).toBe(1);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    model.dispose();
  });

  // A tail-only spec over synthetic activations ẑ: pre-activations mostly away from the ReLU kink and
  // classes well apart, so central differences are accurate in float32.
  const tailSpec: ModelSpec = { inputShape: [4, 4, 3], task: 'classification', body: [{ kind: 'batchNorm', name: 'bn' }, { kind: 'relu' }, { kind: 'maxPool', size: 2 }, { kind: 'flatten' }], head: [{ kind: 'dense', name: 'out', units: 'ways' }] };
  const synthetic = (seed: number, ways: number, shots: number): { z: tf.Tensor; y: tf.Tensor2D } => {
    const rng = createRng(seed);
    const centres = Array.from({ length: ways }, () => Array.from({ length: 48 }, () => rng.normal()));
    const rows = Array.from({ length: ways * shots }, (_, i) => centres[i % ways]!.map((c) => c + 0.4 * rng.normal()));
    return { z: tf.tensor4d(rows.flat(), [ways * shots, 4, 4, 3]), y: tf.oneHot(tf.tensor1d(rows.map((_, i) => i % ways), 'int32'), ways).toFloat() as tf.Tensor2D };
  };
  const gamma0 = () => tf.tensor1d([1.1, 0.9, 1.3]);
  const beta0 = () => tf.tensor1d([1.5, 1.2, 1.8]);

  it('its support loss (centroid ratio) has γ, β gradients that match central differences', () => {
    const r = tf.tidy(() => {
      const { z, y } = synthetic(16, 3, 3);
      const f = (g: tf.Tensor, b: tf.Tensor): tf.Scalar => lossTensor('centroid-ratio', filmTail(tailSpec, (n) => (n.endsWith('gamma') ? g : b), z), y);
      return directionalCheck(f, [gamma0(), beta0()], 18, 1e-3);
    });
    expect(Math.abs(r.analytic - r.numeric)).toBeLessThan(1e-2 * Math.abs(r.numeric) + 1e-5);
  });

  it('steps a pre-classifier transform too when the head has one (filmNames), with gradients that match central differences', () => {
    const spec: ModelSpec = { ...tailSpec, head: [{ kind: 'dense', name: 'pa', units: 8 }, ...tailSpec.head] };
    expect(filmNames(spec)).toEqual(['body/bn/gamma', 'body/bn/beta', 'head/pa/kernel', 'head/pa/bias']);
    const r = tf.tidy(() => {
      const { z, y } = synthetic(22, 3, 3);
      const kernel = tf.add(tf.mul(tf.eye(12, 8), 0.9), spacedTensor([12, 8], 23, 0.001));
      const f = (k: tf.Tensor, b: tf.Tensor): tf.Scalar => {
        const over: Record<string, tf.Tensor> = { 'head/pa/kernel': k, 'head/pa/bias': b, 'body/bn/gamma': gamma0(), 'body/bn/beta': beta0() };
        return lossTensor('centroid-ratio', filmTail(spec, (n) => over[n]!, z), y);
      };
      return directionalCheck(f, [kernel, tf.zeros([8])], 24, 1e-3);
    });
    expect(Math.abs(r.analytic - r.numeric)).toBeLessThan(1e-2 * Math.abs(r.numeric) + 1e-5);
  });

  it('meta-gradients through the inner steps are exact second order (central differences)', () => {
    const values: number[] = [];
    const r = tf.tidy(() => {
      const s = synthetic(19, 3, 3);
      const q = synthetic(19, 3, 5);
      const names = filmNames(tailSpec);
      const metaLoss = (steps: number) => (g: tf.Tensor, b: tf.Tensor): tf.Scalar => {
        const look = (ps: ParamMap) => (n: string) => ps[n] ?? (n.endsWith('gamma') ? g : b);
        const adapted = innerLoopTensors((ps, zz) => filmTail(tailSpec, look(ps), zz), { [names[0]!]: g, [names[1]!]: b }, names, s.z, s.y, steps, 0.5, 'centroid-ratio');
        const { kernel, bias } = prototypeHead(filmTail(tailSpec, look(adapted), s.z), s.y);
        return lossTensor('softmax-ce', tf.add(tf.matMul(filmTail(tailSpec, look(adapted), q.z), kernel), bias), q.y);
      };
      for (const steps of [0, 3]) values.push(metaLoss(steps)(gamma0(), beta0()).dataSync()[0]!);
      return directionalCheck(metaLoss(3), [gamma0(), beta0()], 20, 1e-3);
    });
    // The steps change the query loss, so the check covers the path through them.
    expect(Math.abs(values[1]! - values[0]!)).toBeGreaterThan(1e-3);
    expect(Math.abs(r.analytic - r.numeric)).toBeLessThan(1e-2 * Math.abs(r.numeric) + 1e-5);
  });

  it('the meta-training loss runs through the conv body and leaves no tensor behind', () => {
    const data = convModel(19, { scope: 'film' });
    const ways = 3;
    const lab = (l: string | number) => Number(String(l).slice(1));
    const s = imageSupport(20, ways, 2, 0.5);
    const qs = imageSupport(21, ways, 2, 0.5);
    const task: ClassificationTask = { kind: 'classification', ways, classIds: [0, 1, 2], support: { x: Float32Array.from(s.inputs.flat()), y: Int32Array.from(s.labels.map(lab)), n: s.inputs.length }, query: { x: Float32Array.from(qs.inputs.flat()), y: Int32Array.from(qs.labels.map(lab)), n: qs.inputs.length } };
    const batch = toBatch([task], data.spec.inputShape);
    const before = tf.memory().numTensors;
    const grads = tf.tidy(() => {
      const base: ParamMap = Object.fromEntries(Object.entries(data.tensors).map(([n, t]) => [n, tf.tensor(t.data, t.shape)]));
      const names = ['body/bn2/gamma', 'body/conv1/kernel'];
      const g = tf.grads((...v: tf.Tensor[]) => filmAdaptedLoss({ spec: data.spec, innerSteps: 2, innerLr: 0.3, ways }, { ...base, ...Object.fromEntries(names.map((n, i) => [n, v[i]!])) }, batch))(names.map((n) => base[n]!));
      return g.map((t) => tf.sum(tf.abs(t)).dataSync()[0]!);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([batch.xs, batch.ys, batch.xq, batch.yq, ...(batch.classes ? [batch.classes] : [])]);
    for (const g of grads) expect(g).toBeGreaterThan(0);
  });
});
