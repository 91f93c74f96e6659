import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { adapt, createModel, EngineError } from '../../src/engine/index';
import { useWasm } from './backends';
import { classSupport, embeddingModel, sinusoidModel, sinusoidSupport } from './model-fixtures';
import type { AdaptOptions, EngineErrorCode, Model, SupportSet } from '../../src/engine/index';

/** adapt must throw EngineError(code) without running a kernel or creating a tensor. */
async function rejects(model: Model, support: unknown, opts: unknown, code: EngineErrorCode): Promise<EngineError> {
  let err: unknown;
  const info = await tf.profile(() => {
    try {
      adapt(model, support as SupportSet, opts as AdaptOptions);
    } catch (e) {
      err = e;
    }
  });
  expect(err).toBeInstanceOf(EngineError);
  expect((err as EngineError).code).toBe(code);
  expect((err as EngineError).detail.length).toBeGreaterThan(5);
  expect(info.kernels).toHaveLength(0);
  expect(info.newTensors).toBe(0);
  return err as EngineError;
}

describe('adapt validates before computing', () => {
  let proto: Model;
  let learned: Model;
  let sine: Model;
  const ok = classSupport(1, 8, 3, 2);
  beforeAll(async () => {
    await useWasm();
    proto = createModel(embeddingModel(1, 8));
    learned = createModel(embeddingModel(2, 8, { headInit: 'learned', labels: ['a', 'b', 'c'] }));
    sine = createModel(sinusoidModel(1));
  });

  it('input_length: a row of the wrong length or not a row', async () => {
    const e = await rejects(proto, { ...ok, inputs: [...ok.inputs.slice(0, 5), [1, 2, 3]] }, {}, 'input_length');
    expect(e.detail).toMatch(/input 5 has 3 numbers; the model takes 8/);
    await rejects(proto, { ...ok, inputs: [...ok.inputs.slice(0, 5), 'x'] }, {}, 'input_length');
  });

  it('non_finite: NaN, Infinity, a non-number value, a NaN label', async () => {
    for (const bad of [NaN, Infinity, -Infinity, '1', null]) {
      const inputs = ok.inputs.map((r) => [...r]);
      (inputs[2] as unknown[])[4] = bad;
      const e = await rejects(proto, { ...ok, inputs }, {}, 'non_finite');
      expect(e.detail).toMatch(/input 2, value 4/);
    }
    await rejects(sine, { inputs: [[1], [2]], labels: [1, NaN] }, {}, 'non_finite');
  });

  it('empty_support, label_count_mismatch, too_many_examples', async () => {
    await rejects(proto, { inputs: [], labels: [] }, {}, 'empty_support');
    await rejects(proto, { labels: [] }, {}, 'empty_support');
    await rejects(proto, { ...ok, labels: ok.labels.slice(1) }, {}, 'label_count_mismatch');
    const many = classSupport(1, 8, 3, 167);
    expect(many.inputs.length).toBe(501);
    await rejects(proto, many, {}, 'too_many_examples');
  });

  it('too_few_examples: a prototype head needs at least 2 classes', async () => {
    await rejects(proto, { inputs: ok.inputs.slice(0, 2), labels: ['x', 'x'] }, {}, 'too_few_examples');
  });

  it('too_many_classes: more classes than the bundle allows', async () => {
    await rejects(proto, classSupport(1, 8, 21, 1), {}, 'too_many_classes');
  });

  it('label_kind: mixed kinds, the wrong kind or an unknown label for fixed labels, strings for regression', async () => {
    await rejects(proto, { ...ok, labels: ok.labels.map((l, i) => (i === 3 ? 7 : l)) }, {}, 'label_kind');
    await rejects(proto, { ...ok, labels: ok.labels.map((l, i) => (i === 3 ? true : l)) }, {}, 'label_kind');
    await rejects(learned, { ...ok, labels: ok.labels.map(() => 1) }, {}, 'label_kind');
    const e = await rejects(learned, { ...ok, labels: ok.labels.map((_, i) => ['a', 'b', 'zebra'][i % 3]) }, {}, 'label_kind');
    expect(e.detail).toMatch(/"zebra" is not one of the model's labels/);
    await rejects(sine, { inputs: [[1], [2]], labels: [1, 'two'] }, {}, 'label_kind');
  });

  it('steps_out_of_range and lr_out_of_range against the bundle limits', async () => {
    for (const steps of [101, -1, 1.5, '3']) await rejects(proto, ok, { steps }, 'steps_out_of_range');
    for (const lr of [10.5, -0.1, NaN, '0.1']) await rejects(proto, ok, { lr }, 'lr_out_of_range');
  });

  it('path_unavailable for an impossible path', async () => {
    await rejects(sine, sinusoidSupport(1, 4), { path: 'fast' }, 'path_unavailable');
    await rejects(proto, ok, { path: 'warp' }, 'path_unavailable');
  });

  it('a learned head accepts a subset of its labels', () => {
    const r = adapt(learned, { inputs: ok.inputs.slice(0, 2), labels: ['c', 'a'] }, { steps: 1 });
    expect(r.head.labels).toEqual(['a', 'b', 'c']);
  });
});
