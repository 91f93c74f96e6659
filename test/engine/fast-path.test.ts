import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { adapt, createModel, EngineError, linearHeadKernel, registerLinearHeadKernel } from '../../src/engine/index';
import { maxAbsDiff } from './grad-check';
import { useWasm } from './backends';
import { classSupport, convModel, denseModel, embeddingModel, imageSupport, sinusoidModel, sinusoidSupport } from './model-fixtures';
import type { AdaptResult, SupportSet } from '../../src/engine/index';
import type { ModelData } from '../../src/spec/model-spec';

const regression = (seed: number): SupportSet => {
  const s = classSupport(seed, 8, 2, 6, undefined, 0.5, 0.5);
  return { inputs: s.inputs, labels: s.inputs.map((row) => row.reduce((a, v, i) => a + v * Math.cos(i), 0)) };
};

const CASES: { name: string; data: () => ModelData; support: SupportSet; lr?: number }[] = [
  { name: 'prototype head, 64-d embeddings, 5-way 5-shot', data: () => embeddingModel(1), support: classSupport(2, 64, 5, 5, undefined, 0.5, 0.15) },
  { name: 'learned head with fixed labels', data: () => embeddingModel(3, 64, { headInit: 'learned', labels: ['cat', 'dog', 'owl'] }), support: classSupport(4, 64, 3, 4, ['cat', 'dog', 'owl'], 0.8, 0.3) },
  { name: 'Meta-SGD lrs (trained for 7 ways, used for 5)', data: () => embeddingModel(5, 64, { lrMode: 'per-parameter' }), support: classSupport(6, 64, 5, 3, undefined, 0.5, 0.15) },
  { name: 'Meta-SGD lrs on a learned head', data: () => embeddingModel(5, 32, { headInit: 'learned', labels: [0, 1, 2, 3], lrMode: 'per-parameter' }), support: classSupport(6, 32, 4, 3, [0, 1, 2, 3], 0.8, 0.3) },
  { name: 'dense body', data: () => denseModel(7), support: classSupport(8, 16, 4, 3, undefined, 0.6, 0.3) },
  // Prototype init fits 2-shot support sets of 196-d conv features almost exactly (loss ≈ 0): a learned head has a loss to reduce.
  { name: 'conv body (28×28×1)', data: () => convModel(9, { headInit: 'learned', labels: ['c0', 'c1', 'c2'] }), support: imageSupport(10, 3, 2), lr: 0.05 },
  { name: 'regression (MSE) head', data: () => embeddingModel(11, 8, { task: 'regression' }), support: regression(12), lr: 0.05 },
];

const maxParamDiff = (a: AdaptResult, b: AdaptResult): number => Math.max(...Object.keys(a.head.params).map((n) => maxAbsDiff(a.head.params[n]!.data, b.head.params[n]!.data)));
const maxParam = (a: AdaptResult): number => Math.max(...Object.values(a.head.params).map((t) => Math.max(...Array.from(t.data, Math.abs))));

describe('the linear-head fast path', () => {
  const fused = { kernel: linearHeadKernel() };
  beforeAll(async () => {
    await useWasm();
    fused.kernel = linearHeadKernel();
  });
  afterEach(() => registerLinearHeadKernel(fused.kernel));

  for (const c of CASES) {
    it(`${c.name}: fast = autodiff to 1e-5, and the fused kernel agrees`, () => {
      const model = createModel(c.data());
      const opts = { steps: 10, ...(c.lr ? { lr: c.lr } : {}) };
      const auto = adapt(model, c.support, { ...opts, path: 'autodiff' });
      const fast = adapt(model, c.support, { ...opts, path: 'fast' });
      const viaKernel = adapt(model, c.support, { ...opts, path: 'fused' });
      const scale = Math.max(1, maxParam(auto));
      expect(maxParamDiff(fast, auto)).toBeLessThanOrEqual(1e-5 * scale);
      expect(maxParamDiff(viaKernel, fast)).toBeLessThanOrEqual(1e-5 * scale);
      for (const r of [fast, viaKernel]) {
        expect(r.loss.before).toBeCloseTo(auto.loss.before, 5);
        expect(Math.abs(r.loss.after - auto.loss.after)).toBeLessThanOrEqual(1e-5 * Math.max(1, auto.loss.after));
        expect(r.head.labels).toEqual(auto.head.labels);
      }
      // The loop did something worth comparing.
      expect(auto.loss.after).toBeLessThan(auto.loss.before);
      model.dispose();
    });
  }

  it("'auto' prefers the fused kernel, then the fast path; other models use autodiff", () => {
    const linear = createModel(embeddingModel(1));
    const s = classSupport(2, 64, 3, 2, undefined, 0.5, 0.15);
    expect(fused.kernel).toBeDefined();
    expect(adapt(linear, s).path).toBe('fused');
    registerLinearHeadKernel(undefined);
    expect(adapt(linear, s).path).toBe('fast');
    expect(() => adapt(linear, s, { path: 'fused' })).toThrow(EngineError);
    const sine = createModel(sinusoidModel(1));
    expect(adapt(sine, sinusoidSupport(2, 5)).path).toBe('autodiff');
    expect(() => adapt(sine, sinusoidSupport(2, 5), { path: 'fast' })).toThrow(expect.objectContaining({ code: 'path_unavailable' }));
    const convAll = createModel({ ...convModel(3), defaults: { ...convModel(3).defaults, scope: 'all' } });
    expect(adapt(convAll, imageSupport(4, 2, 1), { steps: 1 }).path).toBe('autodiff');
    [linear, sine, convAll].forEach((m) => m.dispose());
  });

  it('runs at most 5 tfjs kernels per step', async () => {
    registerLinearHeadKernel(undefined);
    const model = createModel(embeddingModel(1));
    const s = classSupport(2, 64, 5, 5, undefined, 0.5, 0.15);
    const kernels = async (steps: number): Promise<number> => (await tf.profile(() => void adapt(model, s, { steps, path: 'fast' }))).kernels.length;
    const k10 = await kernels(10);
    const k20 = await kernels(20);
    expect((k20 - k10) / 10).toBeLessThanOrEqual(5);
    expect(k10).toBeLessThanOrEqual(5 * 10 + 20);
    model.dispose();
  });
});
