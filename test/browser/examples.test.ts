// Users' examples in the browser runtime, in real Chromium and real IndexedDB: taught one at a time,
// kept across reloads and an upgrade from the version-1 database, two runtimes appending at once,
// and an export that Node (the server's engine) adapts into the very same head.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../wasm/node';
import { decodeBundle } from '../../src/bundle/index';
import { adapt, createModel, predict } from '../../src/engine/index';
import { encodeExamples, supportOf } from '../../src/examples/batch';
import { encodeHead, headIdOf } from '../../src/head/index';
import { rasterizeStrokes } from '../../browser/strokes';
import { loadDemo, openHarness } from './harness';
import { shape } from './shapes';
import type { Harness } from './harness';
import type { Model } from '../../src/engine/index';
import type { ShapeName } from './shapes';

type Fewshot = typeof import('../../browser/index');
interface PageGlobals {
  fewshot: Fewshot;
}

const image = (name: ShapeName, seed: number): number[] => Array.from(rasterizeStrokes(shape(name, seed))!);
const NAMES = ['circle', 'bar', 'cross'] as const;
const DRAWN = NAMES.flatMap((n, i) => [0, 1, 2].map((s) => ({ input: image(n, 10 * i + s), label: n as string })));
const QUERIES = NAMES.map((n, i) => image(n, 600 + i));
const OPTIONS = { bundle: '/demo/glyphs.fsb', wasmUrl: '/browser/tfjs-backend-wasm-simd.wasm', dbName: 'examples-test' };

let h: Harness;
let model: Model;

beforeAll(async () => {
  h = await openHarness();
  await loadDemo(h);
  await h.page.evaluate('import("/browser/fewshot.js").then((m) => { window.fewshot = m; })');
  await initNodeBackend();
  model = createModel(await decodeBundle(readFileSync('dist/demo/glyphs.fsb')));
});

afterAll(async () => {
  model?.dispose();
  await h?.close();
});

describe('browser runtime: users examples in IndexedDB', () => {
  it('upgrades a version-1 database (its heads kept); taught one at a time; survives a reload; the export adapts to the same head in Node', async () => {
    // A database as the previous runtime left it: version 1, one head.
    await h.page.evaluate(async (name) => {
      await new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(name, 1);
        open.onupgradeneeded = () => open.result.createObjectStore('heads', { keyPath: 'id' }).createIndex('modelId', 'modelId');
        open.onsuccess = () => {
          const tx = open.result.transaction('heads', 'readwrite');
          tx.objectStore('heads').put({ id: 'old-head', modelId: 'm', task: 'classification', labels: ['a'], createdAt: 1, byteLength: 1, bytes: new Uint8Array([1]) });
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      });
    }, OPTIONS.dbName);

    const taught = await h.page.evaluate(
      async ({ drawn, options }) => {
        const g = window as unknown as PageGlobals;
        const rt = await g.fewshot.createRuntime(options);
        const steps = [];
        for (const d of drawn) {
          const r = await rt.examples.add('ann', { inputs: [d.input], labels: [d.label] });
          steps.push({ headId: r.headId, examples: r.examples, adapted: r.adapted, encoding: r.items.at(-1)!.encoding });
        }
        rt.dispose();
        return steps;
      },
      { drawn: DRAWN, options: OPTIONS },
    );
    expect(taught.map((s) => s.examples)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Three circles first: one class, no head yet; from the first bar on, a head per example.
    expect(taught.slice(0, 3).map((s) => [s.headId, s.adapted, s.encoding])).toEqual([[null, false, 'u8'], [null, false, 'u8'], [null, false, 'u8']]);
    expect(taught.slice(3).every((s) => s.headId !== null && s.adapted)).toBe(true);

    await h.page.reload();
    await h.page.evaluate('import("/browser/fewshot.js").then((m) => { window.fewshot = m; })');
    const after = await h.page.evaluate(
      async ({ queries, options }) => {
        const g = window as unknown as PageGlobals;
        const rt = await g.fewshot.createRuntime(options);
        const listed = await rt.examples.list('ann');
        const out = { headId: listed.headId, adapted: listed.adapted, labels: listed.labels, exported: await rt.examples.exportAll('ann'), preds: await rt.predictUser('ann', queries), users: await rt.examples.users() };
        const oldHead = await new Promise((resolve) => {
          const r = indexedDB.open(options.dbName);
          r.onsuccess = () => {
            const q = r.result.transaction('heads').objectStore('heads').get('old-head');
            q.onsuccess = () => (r.result.close(), resolve(q.result?.id ?? null));
          };
        });
        rt.dispose();
        return { ...out, oldHead };
      },
      { queries: QUERIES, options: OPTIONS },
    );
    expect(after).toMatchObject({ headId: taught.at(-1)!.headId, adapted: false, labels: { circle: 3, bar: 3, cross: 3 }, users: ['ann'], oldHead: 'old-head' });
    expect(after.exported.inputs).toHaveLength(9);
    // The rasteriser's u8 levels are stored exactly: the export is what was drawn (as float32, what the engine computes with).
    expect(after.exported.inputs.map((r) => r.map(Math.fround))).toEqual(DRAWN.map((d) => d.input));
    // Node re-encodes the export as the server would, and adapts it: the same head id, the same predictions.
    const stored = encodeExamples(model, after.exported.inputs, after.exported.labels).map((e, i) => ({ ...e, id: String(i), seq: i, addedAt: 0 }));
    const support = supportOf(stored);
    const r = adapt(model, support);
    expect(await headIdOf(await encodeHead(r.head))).toBe(after.headId);
    const mine = predict(model, r.head, QUERIES);
    expect(after.preds.map((p) => ('label' in p ? p.label : null))).toEqual(mine.map((p) => ('label' in p ? p.label : null)));
    expect(after.preds.map((p) => ('label' in p ? p.label : null))).toEqual([...NAMES]);
  });

  it('two runtimes (as two tabs) appending at once lose nothing; removals and bad input behave as on the server', async () => {
    const out = await h.page.evaluate(
      async ({ drawn, options }) => {
        const g = window as unknown as PageGlobals;
        const [a, b] = await Promise.all([g.fewshot.createRuntime(options), g.fewshot.createRuntime(options)]);
        await Promise.all(drawn.map((d, i) => (i % 2 ? a : b).examples.add('bo', { inputs: [d.input], labels: [d.label] })));
        const both = await a.examples.list('bo');
        const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code ?? String(e));
        const bad = [await code(a.examples.add('bo', { inputs: [[1, 2]], labels: ['x'] })), await code(a.examples.add('bo', { inputs: [drawn[0]!.input], labels: [5] })), await code(a.examples.remove('bo', { label: 'nope' }))];
        const oneClassLeft = await a.examples.remove('bo', { label: 'cross' }).then(() => a.examples.remove('bo', { label: 'bar' }));
        const noHead = await code(b.predictUser('bo', [drawn[0]!.input]));
        const cleared = await b.examples.clear('bo');
        a.dispose();
        b.dispose();
        return { examples: both.examples, adapted: both.adapted, revision: both.revision, bad, oneClassLeft: { headId: oneClassLeft.headId, labels: oneClassLeft.labels }, noHead, cleared };
      },
      { drawn: DRAWN, options: OPTIONS },
    );
    expect(out).toMatchObject({ examples: 9, adapted: false, revision: 9 });
    expect(out.bad).toEqual(['input_length', 'label_kind', 'label_not_found']);
    expect(out.oneClassLeft).toEqual({ headId: null, labels: { circle: 3 } });
    expect(out.noHead).toBe('head_not_found');
    expect(out.cleared).toBe(3);
    expect(h.errors).toEqual([]);
  });
});
