import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { decodeBundle } from '../../src/bundle/index';
import { adapt, createModel, predict } from '../../src/engine/index';
import { lateBlockKernel, registerLateBlockKernel } from '../../src/engine/late-block-kernel';
import { lateBlockShape } from '../../src/engine/late-fused';
import { encodeHead } from '../../src/head/codec';
import { loadGlyphsFromDisk } from '../../cli/glyphs-data';
import { createEpisodeSampler, toApiExamples } from '../../src/data/episodes';
import { maxScaledError } from '../../wasm/fused/synthetic';
import { useWasm } from './backends';
import { convModel, imageSupport } from './model-fixtures';
import type { AdaptResult, ClassPrediction } from '../../src/engine/index';
import type { LateBlockKernel } from '../../src/engine/late-block-kernel';
import type { Model } from '../../src/engine/model';
import type { AdaptationDefaults, Layer, ModelData } from '../../src/spec/model-spec';

const lateData = (seed: number, more: Partial<AdaptationDefaults> = {}): ModelData => convModel(seed, { scope: 'late', more: { lateBlocks: 1, optimizer: 'adam', lr: 0.01, steps: 5, guard: 'split', ...more } });
const withBody = (data: ModelData, body: Layer[]): ModelData => ({ ...data, spec: { ...data.spec, body } });

/** Worst scaled difference between two adaptations' head params. */
function headDiff(a: AdaptResult, b: AdaptResult): number {
  const names = Object.keys(a.head.params);
  expect(Object.keys(b.head.params).sort()).toEqual([...names].sort());
  return Math.max(...names.map((n) => maxScaledError(a.head.params[n]!.data, b.head.params[n]!.data)));
}

let installed: LateBlockKernel;
beforeAll(async () => {
  await useWasm();
  installed = lateBlockKernel()!;
});
afterEach(() => registerLateBlockKernel(installed));

describe("scope 'late' on the fused late-block kernel", () => {
  it('takes conv2d → batchNorm → relu → maxPool [→ flatten] as the last block with the prototype layer right after; says why not otherwise', () => {
    const base = lateData(1);
    const ok = lateBlockShape(createModel(base));
    expect(ok).toMatchObject({ conv: { name: 'conv2' }, bn: { name: 'bn2' }, pool: 2, pad: { top: 1, bottom: 1, left: 1, right: 1 } });
    const body = base.spec.body;
    const why = (data: ModelData): ReturnType<typeof lateBlockShape> => {
      const m = createModel(data);
      try {
        return lateBlockShape(m);
      } finally {
        m.dispose();
      }
    };
    expect(why({ ...base, defaults: { ...base.defaults, lateBlocks: 2 } })).toMatch(/late block is conv2d → batchNorm → relu → maxPool → conv2d/);
    expect(why({ ...base, defaults: { ...base.defaults, scope: 'film' } })).toMatch(/scope 'late' only, not 'film'/);
    expect(why(withBody(base, body.map((l) => (l.kind === 'maxPool' ? { ...l, strides: 1 } : l))))).toMatch(/stride = size/);
    expect(why(withBody(base, body.map((l) => (l.kind === 'conv2d' && l.name === 'conv2' ? { ...l, padding: 'valid' as const } : l))))).toMatchObject({ pad: { top: 0, bottom: 0, left: 0, right: 0 } });
    expect(why(withBody(base, body.map((l) => (l.kind === 'relu' ? { kind: 'identity' as const } : l))))).toMatch(/not conv2d → batchNorm → relu → maxPool/);
  });

  it('is the default path: heads agree with tfjs autodiff, the guard decides alike, nothing leaks', () => {
    const m = createModel(lateData(2));
    const s = imageSupport(3, 3, 4, 0.8);
    const q = imageSupport(3, 3, 2, 0.8).inputs;
    const before = tf.memory().numTensors;
    const fused = adapt(m, s);
    const auto = adapt(m, s, { path: 'autodiff' });
    expect(tf.memory().numTensors).toBe(before);
    expect([fused.path, auto.path]).toEqual(['fused', 'autodiff']);
    expect(fused.guard).toMatchObject({ verdict: auto.guard!.verdict, heldOut: { accuracyBefore: auto.guard!.heldOut!.accuracyBefore, accuracyAfter: auto.guard!.heldOut!.accuracyAfter } });
    expect(fused.stepsUsed).toBe(auto.stepsUsed);
    expect(maxScaledError([fused.loss.before, fused.loss.after], [auto.loss.before, auto.loss.after])).toBeLessThan(1e-5);
    // Adam (the bundle's rule): a channel on at every pool maximum has bias and β gradients that are
    // zero by symmetry, which Adam turns from float32 noise into steps of ~lr in either path (see
    // test/wasm/late-block-tfjs.test.ts); they shift every feature alike, so predictions agree.
    const labels = (r: AdaptResult) => (predict(m, r.head, q) as ClassPrediction[]).map((p) => p.label);
    expect(labels(fused)).toEqual(labels(auto));
    expect(maxScaledError(fused.head.params['body/conv2/kernel']!.data, auto.head.params['body/conv2/kernel']!.data)).toBeLessThan(1e-4);
    // SGD and momentum do not rescale the noise: every head param agrees.
    for (const optimizer of ['sgd', 'momentum'] as const) expect(headDiff(adapt(m, s, { optimizer, lr: 0.05 }), adapt(m, s, { optimizer, lr: 0.05, path: 'autodiff' })), optimizer).toBeLessThan(1e-5);
    m.dispose();
  });

  it("runs the guard's fit-half steps and its before/after features through the kernel too", () => {
    const calls: string[] = [];
    registerLateBlockKernel({ name: 'counting', solve: (p) => (calls.push(`solve ${p.n}`), installed.solve(p)), features: (x) => (calls.push(`features ${x.n}`), installed.features(x)) });
    const m = createModel(lateData(4));
    const before = tf.memory().numTensors;
    const r = adapt(m, imageSupport(5, 3, 4, 0.8));
    expect(tf.memory().numTensors).toBe(before);
    expect(calls).toEqual(['solve 6', 'features 12', 'features 12', 'solve 12']);
    expect(r.guard?.heldOut).toBeDefined();
    calls.length = 0;
    const off = createModel(lateData(4, { guard: 'off' }));
    adapt(off, imageSupport(5, 3, 4, 0.8));
    expect(calls).toEqual(['solve 12']);
    [m, off].forEach((x) => x.dispose());
  });

  it('falls back to tfjs autodiff without a registered kernel or for a block it does not take; path "fused" then says why', async () => {
    const m = createModel(lateData(6));
    const s = imageSupport(7, 3, 3, 0.8);
    const auto = adapt(m, s, { path: 'autodiff' });
    registerLateBlockKernel(undefined);
    const fallback = adapt(m, s);
    expect(fallback.path).toBe('autodiff');
    expect(await encodeHead(fallback.head)).toEqual(await encodeHead(auto.head));
    expect(() => adapt(m, s, { path: 'fused' })).toThrow(expect.objectContaining({ code: 'path_unavailable', message: expect.stringMatching(/no fused kernel is registered/) }));
    registerLateBlockKernel(installed);
    const twoBlocks = createModel(lateData(6, { lateBlocks: 2 }));
    expect(adapt(twoBlocks, s).path).toBe('autodiff');
    expect(() => adapt(twoBlocks, s, { path: 'fused' })).toThrow(/path "fused" is not available: the late block is conv2d/);
    expect(() => adapt(m, s, { path: 'fast' })).toThrow(/adapts features, not a linear head/);
    [m, twoBlocks].forEach((x) => x.dispose());
  });

  for (const [name, file] of [
    ['the default glyphs bundle', 'bundles/glyphs.fsb'],
    ['the opt-in v6 bundle (1×1 last pool, 288-d features)', 'bundles/glyphs-v6.fsb'],
  ] as const) {
    it(`${name} on real glyphs: fused and autodiff heads predict alike on held-out queries`, async () => {
      await sameLabels(file);
    });
  }
});

/** A bundle's fused and autodiff heads give the same labels on 3 test episodes, and the guard decides alike. */
async function sameLabels(file: string): Promise<void> {
  const glyphs: Model = createModel(await decodeBundle(readFileSync(file)));
  const dataset = await loadGlyphsFromDisk();
  const sampler = createEpisodeSampler(dataset, 'test', { ways: 5, shots: 5, queries: 3, seed: 11 });
  for (let e = 0; e < 3; e++) {
    const ep = sampler.next();
    const s = toApiExamples(ep.support);
    const q = toApiExamples(ep.query).inputs;
    const fused = adapt(glyphs, s);
    const auto = adapt(glyphs, s, { path: 'autodiff' });
    expect(fused.path).toBe('fused');
    expect(fused.guard?.verdict).toBe(auto.guard?.verdict);
    const labels = (r: AdaptResult) => (predict(glyphs, r.head, q) as ClassPrediction[]).map((p) => p.label);
    expect(labels(fused)).toEqual(labels(auto));
  }
  glyphs.dispose();
}
