import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initWorkerdBackend } from '../../wasm/workerd';
import { adapt, createModel, predict } from '../../src/engine/index';
import { decodeHead, encodeHead } from '../../src/head/codec';
import { goldenResults } from '../engine/golden-case';
import { classSupport, embeddingModel } from '../engine/model-fixtures';
import golden from '../engine/golden.json';
import { benchAdaptPaths } from '../../bench/adapt-paths';

describe('the engine in workerd', () => {
  it('gives the same heads as Node (golden.json, bit for bit), including a conv body adapted on wasm', async () => {
    await initWorkerdBackend();
    expect(tf.getBackend()).toBe('wasm');
    expect(await goldenResults()).toEqual(golden);
  });

  it('fast, fused and autodiff paths agree; heads survive the binary codec; nothing leaks', async () => {
    await initWorkerdBackend();
    const model = createModel(embeddingModel(1));
    const s = classSupport(2, 64, 5, 5, undefined, 0.5, 0.15);
    const before = tf.memory().numTensors;
    const auto = adapt(model, s, { path: 'autodiff' });
    const fast = adapt(model, s, { path: 'fast' });
    const max = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    for (const n of Object.keys(auto.head.params)) expect(max(fast.head.params[n]!.data, auto.head.params[n]!.data)).toBeLessThanOrEqual(1e-5);
    const auto2 = adapt(model, s);
    expect(['fast', 'fused']).toContain(auto2.path);
    const back = await decodeHead(await encodeHead(fast.head));
    expect(predict(model, back, s.inputs)).toEqual(predict(model, fast.head, s.inputs));
    for (let i = 0; i < 100; i++) predict(model, adapt(model, s, { steps: 3 }).head, s.inputs.slice(0, 1));
    // The model's head cache keeps what predict uploaded, one entry per head: the decoded copy of
    // fast's head is the same head (same content), and the 100 adaptations made one head 100 times.
    expect(model.heads.size).toBe(2);
    expect(tf.memory().numTensors).toBe(before + model.heads.tensors);
    const params = Object.keys(model.params).length;
    model.dispose();
    expect(tf.memory().numTensors).toBe(before - params);
  });

  it('runs the adapt-paths benchmark (numbers printed, never asserted; the paths must agree)', async () => {
    await initWorkerdBackend();
    const r = await benchAdaptPaths({ quick: true });
    console.log(`adapt-paths workerd ${JSON.stringify({ naive: r.naive_ms.p50, autodiff: r.autodiff_ms.p50, fast: r.fast_ms.p50, fused: r.fused_ms?.p50, ratio_fast: r.ratio_naive_over_fast, ratio_fused: r.ratio_naive_over_fused })}`);
    expect(r.backend).toBe('wasm');
    expect(r.max_abs_diff_fast_vs_naive).toBeLessThanOrEqual(1e-5);
    expect(r.fast_kernels).toBeLessThanOrEqual(5 * 10 + 10);
  });
});
