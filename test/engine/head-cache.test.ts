import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGlyphsFromDisk } from '../../cli/glyphs-data';
import { decodeBundle } from '../../src/bundle/index';
import { createEpisodeSampler, toApiExamples } from '../../src/data/episodes';
import { adapt, createModel, predict } from '../../src/engine/index';
import { DEFAULT_HEAD_CACHE } from '../../src/engine/head-cache';
import { decodeHead, encodeHead } from '../../src/head/codec';
import { useWasm } from './backends';
import { convModel, imageSupport } from './model-fixtures';
import type { ClassPrediction, Model } from '../../src/engine/index';
import type { Head } from '../../src/head/head';
import type { ModelData } from '../../src/spec/model-spec';

/** Live tensors and live wasm data buffers (a kernel could leak the latter without the former). */
const live = (): [number, number] => [tf.memory().numTensors, (tf.backend() as unknown as { numDataIds(): number }).numDataIds()];

/** A copy of `head` with fresh arrays, as the worker decodes one from KV on every request. */
const copyOf = (head: Head): Head => ({ ...head, labels: [...head.labels], params: Object.fromEntries(Object.entries(head.params).map(([n, t]) => [n, { shape: [...t.shape], data: t.data.slice() }])) });

/** Kernel names one call of `fn` runs. */
async function kernelsOf(fn: () => unknown): Promise<string[]> {
  return (await tf.profile(() => void fn())).kernels.map((k) => k.name);
}

/** A late head of the conv fixture, adapted on a support set of its own seed. */
function lateHead(m: Model, seed: number): Head {
  const r = adapt(m, imageSupport(seed, 3, 3, 0.8), { steps: 2 });
  expect(Object.keys(r.head.params)).toContain('body/conv2/kernel');
  return r.head;
}

const lateData = (seed: number): ModelData => convModel(seed, { scope: 'late', more: { lateBlocks: 1, optimizer: 'sgd', lr: 0.05 } });

describe("a model's head cache", () => {
  beforeAll(useWasm);

  it("the default glyphs bundle on real glyphs: cached predictions are the uncached ones bit for bit, and the layer-by-layer ones within the fold's tolerance", async () => {
    const data = await decodeBundle(readFileSync('bundles/glyphs.fsb'));
    const cached = createModel(data);
    const uncached = createModel(data, { headCache: 0 });
    const plain = createModel(data, { headCache: 0, fold: false });
    const dataset = await loadGlyphsFromDisk();
    const sampler = createEpisodeSampler(dataset, 'test', { ways: 5, shots: 5, queries: 3, seed: 21 });
    let carried = 0;
    const worst = { distance: 0, score: 0 };
    for (let e = 0; e < 4; e++) {
      const ep = sampler.next();
      const head = adapt(cached, toApiExamples(ep.support)).head;
      if ('body/conv4/kernel' in head.params) carried++;
      const q = toApiExamples(ep.query).inputs;
      const want = predict(uncached, head, q) as ClassPrediction[];
      // A miss, a hit with the same object, a hit with a copy decoded from the head's bytes (a new object every request).
      for (const h of [head, head, await decodeHead(await encodeHead(head))]) expect(predict(cached, h, q)).toEqual(want);
      // Folding moves float rounding (src/engine/fold.ts; the tolerance docs/engine.md states), the cache does not.
      (predict(plain, head, q) as ClassPrediction[]).forEach((p, i) => {
        expect(p.label).toBe(want[i]!.label);
        worst.distance = Math.max(worst.distance, Math.abs(p.distance! - want[i]!.distance!) / Math.max(1, p.distance!));
        for (const [label, s] of Object.entries(p.scores)) worst.score = Math.max(worst.score, Math.abs(s - want[i]!.scores[label]!));
      });
    }
    // The guard kept the steps for at least one episode: those heads carry conv4 and bn4, which predict folds once per head.
    expect(carried).toBeGreaterThan(0);
    // Measured: 7.9e-6 relative on distances (a square root of a difference of squares), 7.8e-7 on scores.
    expect(worst.distance).toBeLessThanOrEqual(2e-5);
    expect(worst.score).toBeLessThanOrEqual(1e-5);
    expect(cached.heads.size).toBe(4);
    [cached, uncached, plain].forEach((m) => m.dispose());
  });

  it('a hit uploads nothing and folds nothing; a miss folds the block the head carries', async () => {
    const m = createModel(lateData(31));
    const head = lateHead(m, 32);
    const q = imageSupport(33, 3, 1).inputs;
    const miss = await kernelsOf(() => predict(m, head, q));
    const before = live();
    const hit = await kernelsOf(() => predict(m, copyOf(head), q));
    expect(live()).toEqual(before);
    // The fold of the late block: γ/√(σ² + ε) (Rsqrt) and the kernel and bias products, only on the miss.
    expect(miss).toContain('Rsqrt');
    expect(hit).not.toContain('Rsqrt');
    expect(miss.length - hit.length).toBeGreaterThanOrEqual(6);
    m.dispose();
  });

  it('two heads never share an entry: one ulp of one value, other labels, or arrays changed in place after a predict', () => {
    const m = createModel(lateData(34));
    const head = lateHead(m, 35);
    const q = imageSupport(36, 3, 2).inputs;
    const first = predict(m, head, q) as ClassPrediction[];
    expect(m.heads.size).toBe(1);

    // One ulp in the conv kernel the head carries: another head, another entry, its own numbers.
    const ulp = copyOf(head);
    const k = ulp.params['body/conv2/kernel']!.data;
    const bits = new Uint32Array(k.buffer, k.byteOffset, k.length);
    const big = k.reduce((best, v, i) => (Math.abs(v) > Math.abs(k[best]!) ? i : best), 0);
    bits[big]! += 1;
    predict(m, ulp, q);
    expect(m.heads.size).toBe(2);

    // Same params, other labels: its own entry, its own labels in the predictions.
    const relabelled = { ...copyOf(head), labels: head.labels.map((l) => `${String(l)}!`) };
    const r = predict(m, relabelled, q) as ClassPrediction[];
    expect(m.heads.size).toBe(3);
    r.forEach((p, i) => expect(p.label).toBe(`${String(first[i]!.label)}!`));

    // The caller changes the head's arrays after predicting with it: the cache holds a copy, so the
    // next predict is a miss with the new values, equal to what an uncached model gives.
    const uncached = createModel(lateData(34), { headCache: 0 });
    const mutated = copyOf(head);
    predict(m, mutated, q);
    expect(m.heads.size).toBe(3);
    mutated.params['body/bn2/gamma']!.data.forEach((v, i, a) => (a[i] = v * -1.5));
    const after = predict(m, mutated, q);
    expect(m.heads.size).toBe(4);
    expect(after).toEqual(predict(uncached, mutated, q));
    expect(after).not.toEqual(first);
    uncached.dispose();
    m.dispose();
  });

  it('keeps the most recently used heads, the least recent disposed first', () => {
    const m = createModel(lateData(37), { headCache: 3 });
    const heads = [40, 41, 42, 43].map((s) => lateHead(m, s));
    const q = imageSupport(44, 3, 1).inputs;
    const base = live();
    const grow = (): number => live()[0] - base[0];
    heads.slice(0, 3).forEach((h) => predict(m, h, q));
    expect(m.heads.size).toBe(3);
    const full = grow();
    expect(full).toBe(m.heads.tensors);
    // Head 0 used again (now the most recent), then head 3: head 1 is the one dropped.
    predict(m, copyOf(heads[0]!), q);
    predict(m, heads[3]!, q);
    expect([m.heads.size, grow()]).toEqual([3, full]);
    for (const i of [0, 2, 3]) {
      const at = live();
      predict(m, heads[i]!, q);
      expect(live(), `head ${i} should be a hit`).toEqual(at);
    }
    predict(m, heads[1]!, q);
    expect([m.heads.size, grow()]).toEqual([3, full]);
    m.dispose();
  });

  it('live tensors and wasm buffers stay constant over 300 predicts with 60 distinct heads, and the model takes them all on dispose', () => {
    const start = live();
    const m = createModel(lateData(45));
    const heads = Array.from({ length: 60 }, (_, i) => lateHead(m, 100 + i));
    const q = imageSupport(46, 3, 1).inputs;
    heads.slice(0, DEFAULT_HEAD_CACHE).forEach((h) => predict(m, h, q));
    expect(m.heads.size).toBe(DEFAULT_HEAD_CACHE);
    const full = live();
    for (let i = 0; i < 300; i++) predict(m, heads[(i * 7) % heads.length]!, q);
    expect(live()).toEqual(full);
    expect(m.heads.size).toBe(DEFAULT_HEAD_CACHE);
    m.dispose();
    expect(m.heads.size).toBe(0);
    expect(live()).toEqual(start);
  });

  it("an entry made by a predict inside a caller's tidy outlives that tidy", () => {
    const m = createModel(lateData(50));
    const head = lateHead(m, 51);
    const q = imageSupport(52, 3, 1).inputs;
    const before = live();
    let inside: unknown;
    tf.tidy(() => void (inside = predict(m, head, q)));
    expect(m.heads.size).toBe(1);
    expect(live()[0] - before[0]).toBe(m.heads.tensors);
    // A hit on the entry the tidy made: its tensors were not disposed with the tidy's scope.
    expect(predict(m, copyOf(head), q)).toEqual(inside);
    m.dispose();
  });

  it('with capacity 0 nothing is kept, and predictions are the same', () => {
    const cached = createModel(lateData(47));
    const none = createModel(lateData(47), { headCache: 0 });
    const head = lateHead(cached, 48);
    const q = imageSupport(49, 3, 2).inputs;
    const before = live();
    for (let i = 0; i < 5; i++) expect(predict(none, head, q)).toEqual(predict(cached, head, q));
    expect(none.heads.size).toBe(0);
    expect(live()[0] - before[0]).toBe(cached.heads.tensors);
    [cached, none].forEach((m) => m.dispose());
  });
});
