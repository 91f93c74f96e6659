import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initTensors, sineSpec } from '../../src/algorithms/models';
import { decodeBundle, encodeBundle } from '../../src/bundle/index';
import { createModel } from '../../src/engine/model';
import { adaptedMse, mseCurve } from '../../src/eval/regression';
import { evaluate } from '../../src/eval/evaluate';
import { createSinusoidSource } from '../../src/tasks/sinusoid';
import { useWasm } from '../engine/backends';
import type { Model } from '../../src/engine/model';
import type { RegressionTask } from '../../src/tasks/types';

async function sineModel(lrMode: 'scalar' | 'per-parameter'): Promise<Model> {
  const spec = sineSpec(40);
  const tensors = initTensors(spec, 4);
  if (lrMode === 'per-parameter') for (const [n, t] of Object.entries({ ...tensors })) tensors[`lr/${n}`] = { shape: t.shape, data: t.data.map((_, i) => 0.005 + 0.001 * (i % 7)) };
  const data = await encodeBundle({
    name: 'sine-test', spec, provenance: { algorithm: 'none', dataset: 'sinusoid' }, tensors,
    defaults: { scope: 'all', steps: 10, lr: 0.01, lrMode, headInit: 'learned', limits: { minSteps: 0, maxSteps: 100, minLr: 1e-5, maxLr: 1, maxClasses: 1, maxExamples: 500 } },
  });
  return createModel(await decodeBundle(data));
}

describe('regression evaluation', () => {
  beforeAll(useWasm);

  for (const mode of ['scalar', 'per-parameter'] as const) {
    it(`the per-step curve (engine inner loop) ends where adapt + predict ends (${mode} lrs), and falls`, async () => {
      const model = await sineModel(mode);
      const before = tf.memory().numTensors;
      const task = createSinusoidSource({ shots: 10, queries: 0, seed: 5, evenQueries: 100 }).next();
      const curve = mseCurve(model, task, 10);
      expect(curve.length).toBe(11);
      for (const s of [0, 1, 5, 10]) expect(adaptedMse(model, task, s)).toBeCloseTo(curve[s]!, 4);
      expect(curve[10]!).toBeLessThan(curve[0]!);
      // Nothing left but what the model's head cache keeps of the heads predict used (disposed with the model).
      expect(tf.memory().numTensors).toBe(before + model.heads.tensors);
      model.dispose();
    });
  }

  it('step 0 is the unadapted model\'s MSE on the 100 query points', async () => {
    const model = await sineModel('scalar');
    const task: RegressionTask = createSinusoidSource({ shots: 5, queries: 0, seed: 6, evenQueries: 100 }).next();
    const out = tf.tidy(() => model.forward({}, tf.tensor2d(task.query.x, [100, 1])).dataSync());
    const direct = Array.from(out).reduce((a, v, i) => a + (v - task.query.y[i]!) ** 2, 0) / 100;
    expect(mseCurve(model, task, 0)[0]).toBeCloseTo(direct, 4);
    const r = evaluate(model, createSinusoidSource({ shots: 5, queries: 0, seed: 6, evenQueries: 100 }), { task: 'sinusoid', ways: 1, shots: 5, steps: 2, episodes: 3 });
    expect(r.curve!.length).toBe(3);
    expect(r.curve![0]!.mean).toBeGreaterThan(0);
    model.dispose();
  });
});
