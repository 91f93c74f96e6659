import { beforeAll, describe, expect, it } from 'vitest';
import { adapt, createModel, predict } from '../../src/engine/index';
import { maxAbsDiff } from './grad-check';
import { onCpu, useWasm } from './backends';
import { classSupport, convModel, denseModel, embeddingModel, imageSupport, sinusoidModel, sinusoidSupport } from './model-fixtures';
import type { AdaptOptions, AdaptResult, SupportSet } from '../../src/engine/index';
import type { ModelData } from '../../src/spec/model-spec';

/**
 * wasm vs cpu backend: the same adaptation differs only by float32 rounding (different summation
 * orders in matmul/conv kernels). The documented tolerance (docs/engine.md) is checked here:
 * |Δparam| ≤ 1e-5·max(1, max|param|), |Δloss| ≤ 1e-5·max(1, loss), |Δoutput| ≤ 1e-5·max(1, max|output|).
 */
const CASES: { name: string; data: () => ModelData; support: SupportSet; opts: AdaptOptions }[] = [
  { name: 'prototype head 64→5, 25 shots, fast path', data: () => embeddingModel(1), support: classSupport(2, 64, 5, 5, undefined, 0.5, 0.15), opts: { path: 'fast' } },
  { name: 'same, autodiff path', data: () => embeddingModel(1), support: classSupport(2, 64, 5, 5, undefined, 0.5, 0.15), opts: { path: 'autodiff' } },
  { name: 'dense body, learned head', data: () => denseModel(3, { headInit: 'learned', labels: ['a', 'b', 'c'] }), support: classSupport(4, 16, 3, 3, ['a', 'b', 'c'], 0.5, 0.5), opts: { lr: 0.2 } },
  { name: 'conv body, head only', data: () => convModel(5, { headInit: 'learned', labels: [1, 2, 3] }), support: { ...imageSupport(6, 3, 2), labels: [1, 2, 3, 1, 2, 3] }, opts: { lr: 0.05 } },
  { name: 'conv body, scope all', data: () => ({ ...convModel(7), defaults: { ...convModel(7).defaults, scope: 'all' as const, lr: 0.05 } }), support: imageSupport(8, 3, 2, 2), opts: { steps: 3 } },
  { name: 'sinusoid MLP, scope all', data: () => sinusoidModel(9), support: sinusoidSupport(10, 10), opts: { steps: 10, lr: 0.01 } },
];

function run(c: (typeof CASES)[number]): { r: AdaptResult; probs: number[] } {
  const model = createModel(c.data());
  try {
    const r = adapt(model, c.support, c.opts);
    const preds = predict(model, r.head, c.support.inputs);
    const probs = preds.flatMap((p) => ('scores' in p ? Object.values(p.scores) : 'value' in p ? [p.value] : p.values));
    return { r, probs };
  } finally {
    model.dispose();
  }
}

describe('wasm vs cpu backend parity', () => {
  beforeAll(useWasm);

  for (const c of CASES) {
    it(c.name, async () => {
      const wasm = run(c);
      const cpu = await onCpu(() => run(c));
      const names = Object.keys(cpu.r.head.params);
      const scale = Math.max(1, ...names.flatMap((n) => Array.from(cpu.r.head.params[n]!.data, Math.abs)));
      const dParam = Math.max(...names.map((n) => maxAbsDiff(wasm.r.head.params[n]!.data, cpu.r.head.params[n]!.data)));
      const dLoss = Math.abs(wasm.r.loss.after - cpu.r.loss.after);
      const dOut = maxAbsDiff(wasm.probs, cpu.probs);
      console.log(`parity ${c.name}: max|Δparam| ${dParam.toExponential(2)} (scale ${scale.toFixed(2)}), |Δloss| ${dLoss.toExponential(2)}, max|Δoutput| ${dOut.toExponential(2)}`);
      expect(dParam).toBeLessThanOrEqual(1e-5 * scale);
      expect(dLoss).toBeLessThanOrEqual(1e-5 * Math.max(1, cpu.r.loss.after));
      expect(dOut).toBeLessThanOrEqual(1e-5 * Math.max(1, ...cpu.probs.map(Math.abs)));
      expect(wasm.r.head.labels).toEqual(cpu.r.head.labels);
    });
  }
});
