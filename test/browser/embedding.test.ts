import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../wasm/node';
import { decodeBundle } from '../../src/bundle/index';
import { adapt, createModel, predict } from '../../src/engine/index';
import { decodeHead, encodeHead, headIdOf } from '../../src/head/index';
import { accuracy, embeddingEpisodes } from '../helpers/embedding-episodes';
import { loadDemo, openHarness } from './harness';
import type { Model } from '../../src/engine/index';
import type { Harness } from './harness';

type Fewshot = typeof import('../../browser/index');

let h: Harness;
let model: Model;
const bundle = readFileSync('bundles/embed-384.fsb');
const episodes = embeddingEpisodes(3, { seed: 11 });

beforeAll(async () => {
  h = await openHarness();
  await loadDemo(h); // our origin, under the demo's CSP
  await h.page.evaluate('import("/browser/fewshot.js").then((m) => { window.fewshot = m; })');
  await initNodeBackend();
  model = createModel(await decodeBundle(bundle));
});

afterAll(async () => {
  model?.dispose();
  await h?.close();
});

describe('the embedding-input model in Chromium', () => {
  it('adapts and predicts in the page, far above chance, with the same head bytes and head id as Node', async () => {
    const out = await h.page.evaluate(
      async ({ b64, eps }) => {
        const f = (window as unknown as { fewshot: Fewshot }).fewshot;
        const rt = await f.createRuntime({ bundle: f.base64ToBytes(b64), wasmUrl: '/browser/tfjs-backend-wasm-simd.wasm', dbName: 'embedding-test' });
        const results = [];
        for (const ep of eps) {
          const r = await rt.adapt(ep.support, { save: false });
          const prototypes = await rt.adapt(ep.support, { save: false, steps: 0 });
          results.push({
            headId: r.headId,
            path: r.path,
            steps: r.steps,
            lr: r.lr,
            head: f.bytesToBase64(await rt.exportHead(r.head)),
            labels: (await rt.predict(r.head, ep.queries.inputs)).map((p) => ('label' in p ? p.label : null)),
            protoLabels: (await rt.predict(prototypes.head, ep.queries.inputs)).map((p) => ('label' in p ? p.label : null)),
          });
        }
        const info = { inputSize: rt.info.inputSize, fused: rt.info.backend.fused };
        rt.dispose();
        return { results, info };
      },
      { b64: bundle.toString('base64'), eps: episodes.map((e) => ({ support: e.support, queries: { inputs: e.queries.inputs } })) },
    );
    expect(out.info).toEqual({ inputSize: 384, fused: true });
    const adapted = accuracy(out.results.map((r) => r.labels), episodes);
    const prototypes = accuracy(out.results.map((r) => r.protoLabels), episodes);
    console.log(`[embedding chromium] 5-way 5-shot, 3 episodes: default ${adapted.toFixed(3)}, steps 0 ${prototypes.toFixed(3)}`);
    expect(adapted).toBeGreaterThan(0.85);
    expect(adapted).toBeGreaterThan(prototypes);
    for (const [i, r] of out.results.entries()) {
      const mine = adapt(model, episodes[i]!.support);
      expect(r.path).toBe(mine.path);
      // Same wasm kernels, same inputs: Chromium's head is byte-for-byte Node's.
      expect(Buffer.from(r.head, 'base64').equals(Buffer.from(await encodeHead(mine.head)))).toBe(true);
      expect(r.headId).toBe(await headIdOf(new Uint8Array(Buffer.from(r.head, 'base64'))));
      const theirs = await decodeHead(new Uint8Array(Buffer.from(r.head, 'base64')));
      expect(predict(model, theirs, episodes[i]!.queries.inputs).map((p) => ('label' in p ? p.label : null))).toEqual(r.labels);
    }
    expect(h.errors).toEqual([]);
  });
});
