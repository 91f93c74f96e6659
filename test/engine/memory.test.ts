import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { adapt, createModel, predict } from '../../src/engine/index';
import { useWasm } from './backends';
import { classSupport, denseModel, embeddingModel, sinusoidModel, sinusoidSupport } from './model-fixtures';
import type { AdaptPath } from '../../src/engine/index';

/** Live tensors and live wasm data buffers (a kernel could leak the latter without the former). */
const live = (): [number, number] => [tf.memory().numTensors, (tf.backend() as unknown as { numDataIds(): number }).numDataIds()];

describe('no leaks over 1,000 adapt + predict repetitions', () => {
  beforeAll(useWasm);

  for (const path of ['fused', 'fast', 'autodiff'] as AdaptPath[]) {
    it(`linear head, ${path} path`, () => {
      const model = createModel(embeddingModel(1, 32));
      const s = classSupport(2, 32, 4, 3, undefined, 0.5, 0.3);
      // The first predict keeps the head in the model's head cache (test/engine/head-cache.test.ts); the same
      // support set adapts to the same head every time, so after it every predict is a hit.
      adapt(model, s, { path });
      predict(model, adapt(model, s, { steps: 3, path }).head, s.inputs.slice(0, 2));
      const before = live();
      for (let i = 0; i < 1000; i++) predict(model, adapt(model, s, { steps: 3, path }).head, s.inputs.slice(0, 2));
      expect(live()).toEqual(before);
      model.dispose();
    });
  }

  it('dense body with a learned head, autodiff', () => {
    const model = createModel(denseModel(3, { headInit: 'learned', labels: ['a', 'b'] }));
    const s = classSupport(4, 16, 2, 2, ['a', 'b']);
    predict(model, adapt(model, s, { steps: 2, path: 'autodiff' }).head, s.inputs.slice(0, 1));
    const before = live();
    for (let i = 0; i < 1000; i++) predict(model, adapt(model, s, { steps: 2, path: 'autodiff' }).head, s.inputs.slice(0, 1));
    expect(live()).toEqual(before);
    model.dispose();
  });

  it('sinusoid MLP, scope all (MAML)', () => {
    const model = createModel(sinusoidModel(5));
    const s = sinusoidSupport(6, 5);
    predict(model, adapt(model, s, { steps: 1, lr: 0.01 }).head, [[0.5]]);
    const before = live();
    for (let i = 0; i < 1000; i++) predict(model, adapt(model, s, { steps: 1, lr: 0.01 }).head, [[0.5]]);
    expect(live()).toEqual(before);
    model.dispose();
  });

  it('rejected requests leak nothing either', () => {
    const model = createModel(embeddingModel(1, 8));
    const before = live();
    for (let i = 0; i < 1000; i++) {
      expect(() => adapt(model, { inputs: [[1]], labels: ['a'] })).toThrow();
      expect(() => predict(model, { modelId: model.id, task: 'classification', labels: ['a'], scope: 'head', params: {} }, [[1]])).toThrow();
    }
    expect(live()).toEqual(before);
    model.dispose();
  });
});
