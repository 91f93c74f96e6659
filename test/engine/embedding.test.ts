import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { BundleError, decodeBundle, encodeBundle, exportTfjsModel, readBundleHeader } from '../../src/bundle/index';
import { adapt, applyLayer, createModel, predict } from '../../src/engine/index';
import { embeddingModel, EmbeddingModelError } from '../../src/spec/embedding-model';
import { useWasm } from './backends';
import { accuracy, embeddingEpisodes } from '../helpers/embedding-episodes';
import { encodeHead } from '../../src/head/index';
import { sha256Hex } from '../../src/util/sha256';
import golden from './embedding-golden.json';
import type { Model } from '../../src/engine/index';

const labelsOf = (m: Model, eps: ReturnType<typeof embeddingEpisodes>, opts: { steps?: number; path?: 'fast' | 'fused' } = {}): unknown[][] =>
  eps.map((ep) => predict(m, adapt(m, ep.support, opts).head, ep.queries.inputs).map((p) => ('label' in p ? p.label : null)));

describe('embedding-input models', () => {
  let l2: Model;
  let raw: Model;
  const episodes = embeddingEpisodes(10);
  beforeAll(async () => {
    await useWasm();
    l2 = createModel(await decodeBundle(await encodeBundle(embeddingModel({ dim: 384 }))));
    raw = createModel(await decodeBundle(await encodeBundle(embeddingModel({ dim: 384, normalize: 'none', lr: 0.1 }))));
  });

  it('l2Normalize is scale·x/‖x‖ on the last axis, keeps a zero row at zero, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => applyLayer({ kind: 'l2Normalize', scale: 2 }, 'body', () => tf.scalar(0), tf.tensor2d([[3, 4], [0, 0], [-1e-3, 0]])).arraySync()) as number[][];
    expect(tf.memory().numTensors).toBe(before);
    expect(out[0]![0]).toBeCloseTo(1.2, 6);
    expect(out[0]![1]).toBeCloseTo(1.6, 6);
    expect(out[1]).toEqual([0, 0]);
    expect(out[2]![0]).toBeCloseTo(-2, 6);
  });

  it('the shipped embed-384 bundle is what `bundle create` writes, format 1.1, and other bundles stay 1.0', async () => {
    const shipped = readFileSync('bundles/embed-384.fsb');
    const info = await readBundleHeader(shipped);
    expect(info.version).toBe('1.1');
    expect(info.header.spec).toEqual({ inputShape: [384], task: 'classification', body: [{ kind: 'l2Normalize', scale: 2 }], head: [{ kind: 'dense', name: 'out', units: 'ways' }] });
    expect(info.header.tensors).toEqual([]);
    const remade = await encodeBundle(embeddingModel({ dim: 384, name: 'embed-384', command: 'fewshot bundle create --kind embedding --dim 384 --name embed-384 --out bundles/embed-384.fsb' }));
    expect(Buffer.from(remade).equals(shipped)).toBe(true);
    expect((await readBundleHeader(await encodeBundle(embeddingModel({ dim: 8, normalize: 'none' })))).version).toBe('1.0');
  });

  it('adapts and predicts far above chance; 20 steps beat prototypes alone, and L2 beats raw vectors', () => {
    const adapted = accuracy(labelsOf(l2, episodes), episodes);
    const prototypes = accuracy(labelsOf(l2, episodes, { steps: 0 }), episodes);
    const rawAcc = accuracy(labelsOf(raw, episodes, { steps: 0 }), episodes);
    console.log(`[embedding] 5-way 5-shot, D=384, 10 episodes: l2 + 20 steps ${adapted.toFixed(3)}, l2 prototypes ${prototypes.toFixed(3)}, raw prototypes ${rawAcc.toFixed(3)}`);
    expect(prototypes).toBeGreaterThan(0.6); // chance is 0.2
    expect(adapted).toBeGreaterThan(0.85);
    expect(adapted).toBeGreaterThan(prototypes + 0.05);
    expect(prototypes).toBeGreaterThan(rawAcc + 0.05);
  });

  it('takes the fused path, agrees with the tfjs fast path to 1e-5, and is deterministic', () => {
    const ep = episodes[0]!;
    const fused = adapt(l2, ep.support);
    const fast = adapt(l2, ep.support, { path: 'fast' });
    expect(fused.path).toBe('fused');
    const w = fused.head.params['head/out/kernel']!;
    expect(w.shape).toEqual([384, 5]);
    const worst = Math.max(...w.data.map((v, i) => Math.abs(v - fast.head.params['head/out/kernel']!.data[i]!)));
    expect(worst).toBeLessThan(1e-5 * Math.max(1, ...w.data.map(Math.abs)));
    expect(adapt(l2, ep.support).head.params['head/out/kernel']!.data).toEqual(w.data);
  });

  it('the bundle refuses a bad l2Normalize scale, and tfjs export refuses the layer', async () => {
    const base = embeddingModel({ dim: 4 });
    for (const scale of [0, -1, 1e5]) {
      const bad = { ...base, spec: { ...base.spec, body: [{ kind: 'l2Normalize' as const, scale }] } };
      await expect(encodeBundle(bad)).rejects.toThrow(/spec\.body\[0\]\.scale: must be in \(0, 10000\]/);
    }
    expect(() => exportTfjsModel(base)).toThrow(BundleError);
    expect(() => exportTfjsModel(base)).toThrow(/tfjs_unsupported: body layer l2Normalize/);
  });

  it('the shipped model adapts the golden support set to the golden head bytes (workerd checks the same hash)', async () => {
    const m = createModel(await decodeBundle(readFileSync('bundles/embed-384.fsb')));
    const [ep] = embeddingEpisodes(1, golden.episodes);
    const r = adapt(m, ep!.support);
    expect(r.path).toBe('fused');
    expect(await sha256Hex(await encodeHead(r.head))).toBe(golden.headSha256);
    m.dispose();
  });

  it('checks input length against D and refuses bad options', () => {
    expect(() => adapt(l2, { inputs: [[1, 2, 3], [4, 5, 6]], labels: ['a', 'b'] })).toThrow(/input 0 has 3 numbers; the model takes 384/);
    expect(() => embeddingModel({ dim: 0 })).toThrow(EmbeddingModelError);
    expect(() => embeddingModel({ dim: 65_537 })).toThrow(/dim must be an integer in \[1, 65536\]/);
    expect(() => embeddingModel({ dim: 4, normalize: 'none', scale: 2 })).toThrow(/scale only applies/);
  });
});
