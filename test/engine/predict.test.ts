import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { adapt, createModel, EngineError, predict } from '../../src/engine/index';
import { useWasm } from './backends';
import { classSupport, embeddingModel, sinusoidModel, sinusoidSupport } from './model-fixtures';
import type { ClassPrediction, Model } from '../../src/engine/index';
import type { Head } from '../../src/head/head';

describe('predict', () => {
  let model: Model;
  let head: Head;
  const s = classSupport(3, 16, 3, 4, ['red', 'green', 'blue'], 0.6, 0.4);
  beforeAll(async () => {
    await useWasm();
    model = createModel(embeddingModel(1, 16));
    head = adapt(model, s, { steps: 5 }).head;
  });

  it('gives per-label probabilities that sum to 1 and the argmax label, equal to softmax(x·W + b)', () => {
    const preds = predict(model, head, s.inputs) as { label: string; scores: Record<string, number> }[];
    const w = head.params['head/out/kernel']!;
    const b = head.params['head/out/bias']!;
    preds.forEach((p, i) => {
      expect(Object.keys(p.scores)).toEqual(['red', 'green', 'blue']);
      expect(Object.values(p.scores).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
      const logits = [0, 1, 2].map((c) => s.inputs[i]!.reduce((a, v, d) => a + Math.fround(v) * w.data[d * 3 + c]!, b.data[c]!));
      const z = logits.map((l) => Math.exp(l - Math.max(...logits)));
      const sum = z.reduce((a, v) => a + v, 0);
      ['red', 'green', 'blue'].forEach((l, c) => expect(p.scores[l]!).toBeCloseTo(z[c]! / sum, 5));
      const best = Object.entries(p.scores).sort((x, y) => y[1] - x[1])[0]![0];
      expect(p.label).toBe(best);
    });
  });

  it('regression: one value per input', () => {
    const sine = createModel(sinusoidModel(2));
    const r = adapt(sine, sinusoidSupport(4, 5), { steps: 2 });
    const preds = predict(sine, r.head, [[0], [1.5], [-2]]);
    expect(preds).toHaveLength(3);
    for (const p of preds) expect(Number.isFinite((p as { value: number }).value)).toBe(true);
    sine.dispose();
  });

  it('rejects a head of another model, a mismatched param, and bad inputs', () => {
    expect(() => predict(model, { ...head, modelId: 'other' }, s.inputs)).toThrow(expect.objectContaining({ code: 'head_mismatch' }));
    const wrong = { ...head, params: { ...head.params, 'head/out/kernel': { shape: [15, 3], data: new Float32Array(45) } } };
    expect(() => predict(model, wrong, s.inputs)).toThrow(expect.objectContaining({ code: 'head_mismatch' }));
    const stranger = { ...head, params: { ...head.params, 'body/fc/kernel': { shape: [1], data: new Float32Array(1) } } };
    expect(() => predict(model, stranger, s.inputs)).toThrow(expect.objectContaining({ code: 'head_mismatch' }));
    expect(() => predict(model, head, [[1, 2]])).toThrow(expect.objectContaining({ code: 'input_length' }));
    expect(() => predict(model, head, [Array(16).fill(NaN)])).toThrow(EngineError);
    expect(predict(model, head, [])).toEqual([]);
  });

  it('minContrast: an input spanning less than it is "none of these" whatever its distance, even past a per-call threshold', () => {
    const strict = createModel(embeddingModel(1, 16, { more: { minContrast: 0.1 } }));
    const h = adapt(strict, s, { steps: 5 }).head;
    // A flat input sitting right on a prototype, a nearly flat one, and a real one.
    const flat = Array(16).fill(0.25);
    const faint = flat.map((v, i) => (i === 3 ? v + 0.05 : v));
    const preds = predict(strict, h, [flat, faint, s.inputs[0]!], { unknownDistance: Infinity }) as ClassPrediction[];
    expect(preds.map((p) => [p.label, p.unknown])).toEqual([[null, true], [null, true], [s.labels[0], false]]);
    expect(preds[0]!.distance).toBeGreaterThanOrEqual(0);
    // The model without the rule labels the same flat input.
    expect((predict(model, head, [flat]) as ClassPrediction[])[0]!.label).not.toBeNull();
    strict.dispose();
  });

  it('leaves no tensor behind but the head it keeps in the model (a second predict with it adds none)', () => {
    const m = createModel(embeddingModel(1, 16));
    const before = tf.memory().numTensors;
    predict(m, head, s.inputs);
    expect(m.heads.size).toBe(1);
    expect(tf.memory().numTensors).toBe(before + m.heads.tensors);
    const kept = tf.memory().numTensors;
    predict(m, { ...head }, s.inputs);
    expect(tf.memory().numTensors).toBe(kept);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before - Object.keys(embeddingModel(1, 16).tensors).length);
  });
});
