import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../wasm/node';
import { decodeBundle } from '../../src/bundle/index';
import { adapt, createModel, predict } from '../../src/engine/index';
import { decodeHead, encodeHead, headIdOf } from '../../src/head/index';
import { rasterizeStrokes } from '../../browser/strokes';
import { glyphEpisodes } from './glyph-episodes';
import { loadDemo, openHarness } from './harness';
import { shape } from './shapes';
import type { Model, Prediction } from '../../src/engine/index';
import type { Harness } from './harness';
import type { ShapeName } from './shapes';

type Fewshot = typeof import('../../browser/index');
type Runtime = Awaited<ReturnType<Fewshot['createRuntime']>>;
interface PageGlobals {
  fewshot: Fewshot;
  rt: Runtime;
}

const image = (name: ShapeName, seed: number): number[] => Array.from(rasterizeStrokes(shape(name, seed))!);
const SUPPORT = {
  inputs: (['circle', 'bar', 'cross'] as const).flatMap((n, i) => [0, 1, 2].map((s) => image(n, 10 * i + s))),
  labels: ['circle', 'bar', 'cross'].flatMap((n) => [n, n, n]),
};
const QUERIES = (['circle', 'bar', 'cross', 'vee', 'square'] as const).map((n, i) => image(n, 777 + i));
const RUNTIME_OPTIONS = { bundle: '/demo/glyphs.fsb', wasmUrl: '/browser/tfjs-backend-wasm-simd.wasm', dbName: 'compat-test' };

let h: Harness;
let model: Model;

beforeAll(async () => {
  h = await openHarness();
  await loadDemo(h);
  // A string, so vitest leaves this dynamic import alone; it runs in the page, under the page's CSP.
  await h.page.evaluate('import("/browser/fewshot.js").then((m) => { window.fewshot = m; })');
  await initNodeBackend();
  model = createModel(await decodeBundle(readFileSync('dist/demo/glyphs.fsb')));
});

afterAll(async () => {
  model?.dispose();
  await h?.close();
});

function expectSamePredictions(a: Prediction[], b: Prediction[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((p, i) => {
    const q = b[i]!;
    if (!('scores' in p) || !('scores' in q)) throw new Error('expected classification predictions');
    expect(q.label).toStrictEqual(p.label);
    expect(Object.keys(q.scores)).toEqual(Object.keys(p.scores));
    for (const [label, s] of Object.entries(p.scores)) expect(Math.abs(s - q.scores[label]!)).toBeLessThan(1e-5);
  });
}

describe('one head format across Chromium and Node', () => {
  it('a head adapted in Chromium predicts the same in Node, under the same content address', async () => {
    const out = await h.page.evaluate(
      async ({ support, queries, options }) => {
        const g = window as unknown as PageGlobals;
        g.rt = await g.fewshot.createRuntime(options);
        const r = await g.rt.adapt(support);
        const bytes = await g.rt.exportHead(r.headId);
        return { b64: g.fewshot.bytesToBase64(bytes), headId: r.headId, steps: r.steps, lr: r.lr, path: r.path, preds: await g.rt.predict(r.headId, queries), modelId: g.rt.info.modelId };
      },
      { support: SUPPORT, queries: QUERIES, options: RUNTIME_OPTIONS },
    );
    expect(out.modelId).toBe(model.id);
    const head = await decodeHead(new Uint8Array(Buffer.from(out.b64, 'base64')));
    expect(head.labels).toEqual(['circle', 'bar', 'cross']);
    expectSamePredictions(out.preds, predict(model, head, QUERIES));
    expect(out.preds.slice(0, 3).map((p) => ('label' in p ? p.label : null))).toEqual(['circle', 'bar', 'cross']);
    // One id per head: the SHA-256 of the bytes, as the worker and the CLI give it.
    expect(await headIdOf(new Uint8Array(Buffer.from(out.b64, 'base64')))).toBe(out.headId);
    // The same request adapted in Node lands on the same parameters (same wasm, same kernel).
    const mine = adapt(model, SUPPORT);
    expect(mine.path).toBe(out.path);
    for (const [name, t] of Object.entries(mine.head.params)) {
      const theirs = head.params[name]!;
      expect(theirs.shape).toEqual(t.shape);
      let worst = 0;
      t.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - theirs.data[i]!) / Math.max(1, Math.abs(v)))));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('a head adapted in Node (numeric labels) predicts the same in Chromium, before and after IndexedDB', async () => {
    const support = { inputs: [0, 1, 2].flatMap((s) => [image('vee', 40 + s), image('square', 50 + s)]), labels: [7, 3, 7, 3, 7, 3] };
    const r = adapt(model, support);
    const bytes = await encodeHead(r.head);
    const out = await h.page.evaluate(
      async ({ b64, queries, options }) => {
        const g = window as unknown as PageGlobals;
        const saved = await g.rt.importHead(g.fewshot.base64ToBytes(b64));
        const fresh = await g.fewshot.createRuntime(options); // empty cache: this one reads IndexedDB
        const result = { id: saved.id, labels: saved.labels, direct: await g.rt.predict(saved.id, queries), stored: await fresh.predict(saved.id, queries) };
        fresh.dispose();
        return result;
      },
      { b64: Buffer.from(bytes).toString('base64'), queries: QUERIES, options: RUNTIME_OPTIONS },
    );
    expect(out.labels).toStrictEqual([7, 3]);
    const expected = predict(model, r.head, QUERIES);
    expectSamePredictions(expected, out.direct);
    expectSamePredictions(expected, out.stored);
    expect(out.stored.slice(3, 5).map((p) => ('label' in p ? p.label : null))).toStrictEqual([7, 3]);
  });

  it('the IndexedDB store refuses corrupt heads and heads of another model, and lists and deletes', async () => {
    const foreign = await encodeHead({ ...adapt(model, SUPPORT).head, modelId: 'f'.repeat(64) });
    const out = await h.page.evaluate(
      async ({ foreignB64, support }) => {
        const g = window as unknown as PageGlobals;
        const code = (p: Promise<unknown>): Promise<string> => p.then(() => 'resolved', (e: { code?: string }) => e.code ?? String(e));
        const r = await g.rt.adapt(support, { name: 'corrupt me' });
        const bytes = await g.rt.exportHead(r.head);
        const flipped = bytes.slice();
        flipped[flipped.length - 40]! ^= 1;
        const importFlipped = await code(g.rt.importHead(flipped));
        const importForeign = await code(g.rt.importHead(g.fewshot.base64ToBytes(foreignB64)));
        // Corrupt the stored record behind the runtime's back, then read it through a fresh runtime.
        const store = await g.fewshot.openHeadStore('compat-test');
        const rec = (await store.get(r.headId))!;
        await store.put({ ...rec, bytes: flipped });
        store.close();
        const fresh = await g.fewshot.createRuntime({ bundle: '/demo/glyphs.fsb', wasmUrl: '/browser/tfjs-backend-wasm-simd.wasm', dbName: 'compat-test' });
        const loadCorrupt = await code(fresh.loadHead(r.headId));
        const listed = (await fresh.listHeads()).map((s) => s.id);
        const deleted = [await fresh.deleteHead(r.headId), await fresh.deleteHead(r.headId)];
        const afterDelete = await code(fresh.loadHead(r.headId));
        const listedAfter = (await fresh.listHeads()).map((s) => s.id);
        fresh.dispose();
        return { importFlipped, importForeign, loadCorrupt, listed, deleted, afterDelete, listedAfter, headId: r.headId };
      },
      { foreignB64: Buffer.from(foreign).toString('base64'), support: { inputs: SUPPORT.inputs.slice(0, 6), labels: SUPPORT.labels.slice(0, 6) } },
    );
    expect(out.importFlipped).toBe('head_corrupt');
    expect(out.importForeign).toBe('head_model_mismatch');
    expect(out.loadCorrupt).toBe('head_corrupt');
    expect(out.listed[0]).toBe(out.headId); // newest first
    expect(out.listed.length).toBe(3);
    expect(out.deleted).toEqual([true, false]);
    expect(out.afterDelete).toBe('head_not_found');
    expect(out.listedAfter).toEqual(out.listed.slice(1));
  });

  it('a head made by the CLI (test/fixtures/cli-head) imports, exports byte-identical and predicts what the CLI (and the worker) predicted', async () => {
    // scripts/make-cli-head-fixture.ts: `fewshot adapt --out glyphs.fshd`, then `fewshot predict`; the worker side is test/workerd/api/cli-head.test.ts.
    const dir = 'test/fixtures/cli-head';
    const b64 = readFileSync(`${dir}/glyphs.fshd`).toString('base64');
    const want = JSON.parse(readFileSync(`${dir}/glyphs-predict.json`, 'utf8')) as { headId: string; predictions: Prediction[] };
    const inputs = (JSON.parse(readFileSync(`${dir}/inputs.json`, 'utf8')) as { inputs: number[][] }).inputs;
    const out = await h.page.evaluate(
      async ({ b64, inputs }) => {
        const g = window as unknown as PageGlobals;
        const saved = await g.rt.importHead(g.fewshot.base64ToBytes(b64));
        const back = g.fewshot.bytesToBase64(await g.rt.exportHead(saved.id));
        return { id: saved.id, back, preds: await g.rt.predict(saved.id, inputs) };
      },
      { b64, inputs },
    );
    expect(out.id).toBe(want.headId);
    expect(out.back).toBe(b64);
    expectSamePredictions(want.predictions, out.preds);
  });

  it('measures 5-way 5-shot adaptation on glyphs in Chromium (reported, not asserted)', async () => {
    const episodes = glyphEpisodes(8, 5, 5, 1234);
    const out = await h.page.evaluate(async (eps) => {
      const g = window as unknown as PageGlobals;
      // The default steps against none (body forward + prototype head only): what the steps cost.
      const run = async (steps?: number) => {
        const opts = { save: false, ...(steps === undefined ? {} : { steps }) };
        await g.rt.adapt(eps[0]!, opts); // warm-up: first-call shader/kernel set-up
        const times: number[] = [];
        let used = '';
        for (const ep of eps.slice(1)) {
          const r = await g.rt.adapt(ep, opts);
          times.push(r.ms);
          used = r.path;
        }
        times.sort((a, b) => a - b);
        return { path: used, median: times[times.length >> 1]!, min: times[0]!, max: times[times.length - 1]! };
      };
      return { model: g.rt.info.name, fused: g.rt.info.backend.fused, auto: await run(), none: await run(0), steps: g.rt.info.defaults.steps };
    }, episodes);
    console.log(`[browser bench] ${out.model}: 5-way 5-shot, ${out.steps} steps, ${episodes.length - 1} runs — ${out.auto.path}: median ${out.auto.median.toFixed(1)} ms (min ${out.auto.min.toFixed(1)}, max ${out.auto.max.toFixed(1)}); 0 steps: median ${out.none.median.toFixed(1)} ms`);
    expect(out.auto.median).toBeGreaterThan(0);
    expect(h.errors).toEqual([]);
  });
});
