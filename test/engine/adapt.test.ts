import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { adapt, createModel, predict } from '../../src/engine/index';
import { encodeHead } from '../../src/head/codec';
import { useWasm } from './backends';
import { classSupport, convModel, defaults, denseModel, embeddingModel, imageSupport, sinusoidModel, sinusoidSupport } from './model-fixtures';

describe('adapt', () => {
  beforeAll(useWasm);

  it('labels a prototype head in order of first appearance, with any labels and any class count', () => {
    const model = createModel(embeddingModel(1, 16));
    const s = classSupport(2, 16, 4, 3, ['zebra', 'ant', 'Ünïcode ✓', ''], 0.5, 0.3);
    // Reorder so first appearances are: 'Ünïcode ✓', 'zebra', '', 'ant'.
    const order = [2, 0, 3, 1];
    const inputs = [...order.map((c) => s.inputs[c]!), ...s.inputs.slice(4)];
    const labels = [...order.map((c) => s.labels[c]!), ...s.labels.slice(4)];
    const r = adapt(model, { inputs, labels });
    expect(r.head.labels).toEqual(['Ünïcode ✓', 'zebra', '', 'ant']);
    expect(r.head.params['head/out/kernel']!.shape).toEqual([16, 4]);
    expect(r.head.params['head/out/bias']!.shape).toEqual([4]);
    const p = predict(model, r.head, inputs) as { label: string }[];
    expect(p.map((x) => x.label)).toEqual(labels);
    model.dispose();
  });

  it('takes numeric labels and 20 classes (the model limit)', () => {
    const model = createModel(embeddingModel(1, 16));
    const labels = Array.from({ length: 20 }, (_, i) => 100 - i);
    const r = adapt(model, classSupport(3, 16, 20, 1, labels, 0.3, 1));
    expect(r.head.labels).toEqual(labels);
    model.dispose();
  });

  it('prototype init alone classifies the support set (steps 0), and the loop lowers the loss', () => {
    const model = createModel(embeddingModel(1, 32));
    const s = classSupport(4, 32, 5, 5, undefined, 0.5, 0.2);
    const r0 = adapt(model, s, { steps: 0 });
    expect(r0.loss.after).toBe(r0.loss.before);
    const correct = (predict(model, r0.head, s.inputs) as { label: string }[]).filter((p, i) => p.label === s.labels[i]).length;
    expect(correct).toBeGreaterThanOrEqual(23);
    const r = adapt(model, s, { steps: 20, lr: 1 });
    expect(r.loss.before).toBeCloseTo(r0.loss.before, 6);
    expect(r.loss.after).toBeLessThan(0.6 * r.loss.before);
    model.dispose();
  });

  it('resolves steps and lr from the bundle defaults, and reports them', () => {
    const data = embeddingModel(1, 16);
    const model = createModel({ ...data, defaults: defaults({ steps: 7, lr: 0.25 }) });
    const r = adapt(model, classSupport(1, 16, 2, 2));
    expect([r.steps, r.lr]).toEqual([7, 0.25]);
    expect(adapt(model, classSupport(1, 16, 2, 2), { steps: 3, lr: 0.1 })).toMatchObject({ steps: 3, lr: 0.1 });
    model.dispose();
  });

  it('MAML-style scope "all" (sinusoid 1-40-40-1) adapts every trainable param and lowers the MSE', () => {
    const model = createModel(sinusoidModel(1));
    const s = sinusoidSupport(5, 10);
    const r = adapt(model, s, { steps: 10, lr: 0.01 });
    expect(Object.keys(r.head.params)).toEqual(['body/fc1/kernel', 'body/fc1/bias', 'body/fc2/kernel', 'body/fc2/bias', 'head/out/kernel', 'head/out/bias']);
    expect(r.head).toMatchObject({ scope: 'all', task: 'regression', labels: [] });
    expect(r.loss.after).toBeLessThan(0.85 * r.loss.before);
    const values = (predict(model, r.head, s.inputs) as { value: number }[]).map((p) => p.value);
    const mse = values.reduce((a, v, i) => a + (v - (s.labels[i] as number)) ** 2, 0) / values.length;
    expect(mse).toBeCloseTo(r.loss.after, 4);
    model.dispose();
  });

  it('adapts a conv body end to end on wasm (needs the Conv2DBackpropFilter and MaxPoolGrad kernels)', () => {
    const data = convModel(2, {}, 4);
    const model = createModel({ ...data, defaults: { ...data.defaults, scope: 'all', lr: 0.05 } });
    const r = adapt(model, imageSupport(3, 3, 2, 2), { steps: 3 });
    expect(Object.keys(r.head.params)).toContain('body/conv1/kernel');
    expect(Object.keys(r.head.params)).not.toContain('body/bn1/movingMean');
    const base = data.tensors['body/conv1/kernel']!.data;
    expect(r.head.params['body/conv1/kernel']!.data.some((v, i) => v !== base[i])).toBe(true);
    expect(r.loss.after).toBeLessThanOrEqual(r.loss.before);
    model.dispose();
  });

  it('is deterministic: the same request gives bit-identical head bytes (every path)', async () => {
    const model = createModel(denseModel(4));
    const s = classSupport(5, 16, 3, 3, undefined, 0.5, 0.5);
    for (const path of ['autodiff', 'fast', 'fused'] as const) {
      const a = await encodeHead(adapt(model, s, { path }).head);
      const b = await encodeHead(adapt(model, s, { path }).head);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    }
    model.dispose();
  });

  it('leaves no tensor behind', () => {
    const model = createModel(convModel(6));
    const before = tf.memory().numTensors;
    adapt(model, imageSupport(7, 2, 2), { path: 'autodiff' });
    adapt(model, imageSupport(7, 2, 2), { path: 'fast' });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
