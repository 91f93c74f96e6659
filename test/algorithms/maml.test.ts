import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { batchedQueryLoss, createMaml } from '../../src/algorithms/maml';
import { initTensors, sineSpec } from '../../src/algorithms/models';
import { adaptedNames } from '../../src/engine/adapted-params';
import { toBatch } from '../../src/tasks/batch';
import { createSinusoidSource } from '../../src/tasks/sinusoid';
import { directionalCheck } from '../engine/grad-check';
import { onCpu, useWasm } from '../engine/backends';
import type { ParamMap } from '../../src/engine/params';

const spec = sineSpec(8);
const cfg = { spec, innerSteps: 2, innerLr: 0.01, ways: 1 };
const names = adaptedNames(spec, 'all');

/** The batched meta-gradient of MAML vs central differences of the same meta-loss, in one seeded direction. */
function check(firstOrder: boolean): { analytic: number; numeric: number; fo: number } {
  return tf.tidy(() => {
    const init = initTensors(spec, 5);
    const xs = names.map((n) => tf.tensor(init[n]!.data, init[n]!.shape, 'float32'));
    const src = createSinusoidSource({ shots: 5, queries: 5, seed: 11 });
    const batch = toBatch([src.next(), src.next(), src.next()], [1]);
    const map = (...v: tf.Tensor[]): ParamMap => Object.fromEntries(names.map((n, i) => [n, v[i]!]));
    const f = (...v: tf.Tensor[]) => batchedQueryLoss(cfg, map(...v), names, batch, cfg.innerLr, firstOrder);
    // Small ε: a larger one lets inputs cross ReLU kinks between the two evaluations.
    const r = directionalCheck(f, xs, 3, 1e-3);
    // The algorithm's own step must give the same gradient as differentiating its loss.
    const step = createMaml(cfg, { firstOrder }).step(map(...xs), batch);
    const v = xs.map((x, i) => tf.randomNormal(x.shape, 0, 1, 'float32', 100 + i));
    const fromStep = names.reduce((s, n, i) => s + tf.sum(tf.mul(step.grads[n]!, v[i]!)).dataSync()[0]!, 0);
    const direct = tf.grads(f)(xs).reduce((s, g, i) => s + tf.sum(tf.mul(g, v[i]!)).dataSync()[0]!, 0);
    expect(Math.abs(fromStep - direct)).toBeLessThan(1e-4 * Math.abs(direct));
    return { ...r, fo: 0 };
  });
}

describe('MAML meta-gradient (batched over tasks, rank-3 matMul)', () => {
  beforeAll(useWasm);

  it('second order: matches central differences of the post-adaptation query loss (wasm and cpu)', async () => {
    const wasm = check(false);
    expect(Math.abs(wasm.analytic - wasm.numeric)).toBeLessThan(1e-2 * Math.abs(wasm.numeric));
    const cpu = await onCpu(() => check(false));
    expect(Math.abs(cpu.analytic - cpu.numeric)).toBeLessThan(1e-2 * Math.abs(cpu.numeric));
  });

  it('first order differs measurably from the true gradient (the second-order term is real)', () => {
    const so = check(false);
    const fo = check(true);
    expect(Math.abs(fo.analytic - so.numeric)).toBeGreaterThan(20 * Math.abs(so.analytic - so.numeric));
  });

  it('batching is exact: the batched meta-loss equals the mean of per-task losses', () => {
    tf.tidy(() => {
      const init = initTensors(spec, 6);
      const p: ParamMap = Object.fromEntries(names.map((n) => [n, tf.tensor(init[n]!.data, init[n]!.shape, 'float32')]));
      const src = createSinusoidSource({ shots: 5, queries: 5, seed: 12 });
      const tasks = [src.next(), src.next(), src.next(), src.next()];
      const all = batchedQueryLoss(cfg, p, names, toBatch(tasks, [1]), cfg.innerLr, false).dataSync()[0]!;
      const each = tasks.map((t) => batchedQueryLoss(cfg, p, names, toBatch([t], [1]), cfg.innerLr, false).dataSync()[0]!);
      const mean = each.reduce((a, b) => a + b, 0) / each.length;
      expect(Math.abs(all - mean)).toBeLessThan(1e-5 * mean);
    });
  });

  it('says where second order is taken: dense models yes, conv models no (first-order fallback)', async () => {
    const { glyphSpec } = await import('../../src/algorithms/models');
    expect(createMaml(cfg).secondOrder).toBe(true);
    expect(createMaml({ ...cfg, spec: glyphSpec(4), ways: 5 }).secondOrder).toBe(false);
    expect(createMaml(cfg, { firstOrder: true }).secondOrder).toBe(false);
  });
});
