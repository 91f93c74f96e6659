import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, ModelError } from '../../src/engine/index';
import { useWasm } from './backends';
import { convModel, denseModel, embeddingModel, sinusoidModel } from './model-fixtures';
import type { ModelData } from '../../src/spec/model-spec';

describe('createModel', () => {
  beforeAll(useWasm);

  it('uploads tensors once, infers shapes, forwards over a param map, and disposes everything', () => {
    const before = tf.memory().numTensors;
    const data = convModel(1);
    const model = createModel(data);
    // Plus a folded kernel and bias per conv + batch norm pair (test/engine/fold.test.ts).
    expect(tf.memory().numTensors - before).toBe(Object.keys(data.tensors).length + 2 * 2);
    expect(model.inputSize).toBe(784);
    expect(model.embedShape).toEqual([196]);
    expect(model.outputSize).toBeUndefined();
    tf.tidy(() => {
      const x = tf.ones([2, 784]);
      expect(model.embed(x).shape).toEqual([2, 196]);
      const head = { 'head/out/kernel': tf.ones([196, 6]), 'head/out/bias': tf.zeros([6]) };
      expect(model.forward(head, x).shape).toEqual([2, 6]);
      // Overrides win over stored params, by name.
      const zeroConv = { ...head, 'body/conv1/kernel': tf.zerosLike(model.params['body/conv1/kernel']!) };
      expect(model.forward(zeroConv, x).sub(model.forward(head, x)).abs().sum().dataSync()[0]).toBeGreaterThan(0);
    });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(createModel(sinusoidModel(1)).outputSize).toBe(1);
  });

  const broken: [string, (d: ModelData) => ModelData, RegExp][] = [
    ['a missing tensor', (d) => ({ ...d, tensors: Object.fromEntries(Object.entries(d.tensors).filter(([k]) => k !== 'body/fc/bias')) }), /missing tensor body\/fc\/bias/],
    ['a tensor of the wrong rank', (d) => ({ ...d, tensors: { ...d.tensors, 'body/fc/bias': { shape: [1, 32], data: new Float32Array(32) } } }), /rank 2, expected 1/],
    ['data not matching the shape', (d) => ({ ...d, tensors: { ...d.tensors, 'body/fc/bias': { shape: [32], data: new Float32Array(3) } } }), /data length/],
    ['shapes that do not chain', (d) => ({ ...d, tensors: { ...d.tensors, 'body/fc/kernel': { shape: [15, 32], data: new Float32Array(480) } } }), /forward fails/],
    ['an unknown layer', (d) => ({ ...d, spec: { ...d.spec, body: [{ kind: 'gelu' } as never] } }), /unknown layer kind/],
    ["'ways' in the body", (d) => ({ ...d, spec: { ...d.spec, body: [{ kind: 'dense', name: 'fc', units: 'ways' }] } }), /'ways' only on the last head layer/],
    ['a learned classifier without labels', (d) => ({ ...d, spec: { ...d.spec, head: [{ kind: 'dense', name: 'out', units: 3 }] }, defaults: { ...d.defaults, headInit: 'learned' }, tensors: { ...d.tensors, 'head/out/kernel': { shape: [32, 3], data: new Float32Array(96) }, 'head/out/bias': { shape: [3], data: new Float32Array(3) } } }), /needs defaults.labels/],
    ['prototype init for regression', (d) => ({ ...d, spec: { ...d.spec, task: 'regression' } }), /prototype init needs a classification model/],
    ['bad limits', (d) => ({ ...d, defaults: { ...d.defaults, limits: { ...d.defaults.limits, minSteps: 5, maxSteps: 1 } } }), /limits/],
  ];
  for (const [what, edit, message] of broken) {
    it(`rejects ${what} with a ModelError and leaks nothing`, () => {
      const before = tf.memory().numTensors;
      expect(() => createModel(edit(denseModel(1)))).toThrow(ModelError);
      expect(() => createModel(edit(denseModel(1)))).toThrow(message);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('accepts a learned head whose output count matches its labels', () => {
    const m = createModel(embeddingModel(1, 8, { headInit: 'learned', labels: ['x', 'y'] }));
    expect(m.outputSize).toBe(2);
    m.dispose();
  });
});
