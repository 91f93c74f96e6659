import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rasterizeStrokes } from '../../browser/strokes';
import { openHarness } from './harness';
import { shape } from './shapes';
import { API_KEY, buildProductionWorker, serveWorker } from './worker-server';
import type { BuiltWorker } from '../../bench/node/build';
import type { Harness } from './harness';
import type { ShapeName } from './shapes';
import type { WorkerServer } from './worker-server';

type Fewshot = typeof import('../../browser/index');
type Scores = { label: string; scores: Record<string, number> }[];
type Runtime = Awaited<ReturnType<Fewshot['createRuntime']>>;
interface Synced {
  localId: string;
  uploaded: { headId: string; labels: string[]; cache: string };
  bytes: Uint8Array;
  saved: { id: string };
  heads: { headId: string; source: string; latest: boolean }[];
}
type SyncHead = (rt: Runtime, o: { api: string; key: string; user: string; support: unknown }) => Promise<Synced>;

/** The `syncHead` snippet of docs/webview.md, verbatim: the test runs what the docs show. */
function docsSnippet(): string {
  const md = readFileSync('docs/webview.md', 'utf8');
  const block = /```js\n((?:(?!```)[\s\S])*async function syncHead[\s\S]*?)```/.exec(md);
  if (!block) throw new Error('docs/webview.md has no syncHead snippet');
  return block[1]!;
}

const image = (name: ShapeName, seed: number): number[] => Array.from(rasterizeStrokes(shape(name, seed))!);
const SUPPORT = {
  inputs: (['circle', 'bar', 'cross'] as const).flatMap((n, i) => [0, 1, 2].map((s) => image(n, 40 * i + s))),
  labels: ['circle', 'bar', 'cross'].flatMap((n) => [n, n, n]),
};
const WORKER_SUPPORT = { inputs: (['vee', 'square'] as const).flatMap((n, i) => [0, 1, 2].map((s) => image(n, 90 + 10 * i + s))), labels: ['vee', 'vee', 'vee', 'square', 'square', 'square'] };
const QUERIES = (['circle', 'bar', 'cross', 'vee', 'square'] as const).map((n, i) => image(n, 555 + i));

let built: BuiltWorker;
let api: WorkerServer | undefined;
let h: Harness;
let root: string;

/** A page origin that is not the worker's: dist/browser and dist/demo beside an empty page, served by serve-demo with the API in connect-src. */
function pageRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fewshot-xorigin-'));
  for (const d of ['browser', 'demo']) symlinkSync(resolve('dist', d), join(dir, d));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app/index.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>app</title></head><body></body></html>\n');
  return dir;
}

beforeAll(async () => {
  built = await buildProductionWorker();
  api = await serveWorker(built);
  root = pageRoot();
  // The worker's origin is only known now; the page CSP names it, as docs/webview.md says.
  h = await openHarness({ root, apiOrigins: [api.url] });
  await h.page.goto(`${h.server.url}/app/`);
  await h.page.evaluate('import("/browser/fewshot.js").then((m) => { window.fewshot = m; })');
  await h.page.evaluate(`window.syncHead = (() => {\n${docsSnippet()}\nreturn syncHead;\n})()`);
});

afterAll(async () => {
  await h?.close();
  await api?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function expectSame(a: Scores, b: Scores): void {
  expect(b.map((p) => p.label)).toEqual(a.map((p) => p.label));
  a.forEach((p, i) => {
    for (const [label, s] of Object.entries(p.scores)) expect(Math.abs(s - b[i]!.scores[label]!)).toBeLessThan(1e-5);
  });
}

describe('phone ↔ worker across origins (real Chromium, real workerd)', () => {
  it('ships dist/browser without source maps', () => {
    expect(readdirSync('dist/browser').filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('a head adapted in the page goes up to the worker, comes back byte-identical and predicts the same', async () => {
    expect(new URL(api!.url).origin).not.toBe(new URL(h.server.url).origin);
    const out = await h.page.evaluate(
      async ({ api, key, support, workerSupport, queries }) => {
        const g = window as unknown as { fewshot: Fewshot; syncHead: SyncHead };
        const auth = { authorization: `Bearer ${key}` };
        const rt = await g.fewshot.createRuntime({ bundle: '/demo/glyphs.fsb', wasmUrl: '/browser/tfjs-backend-wasm-simd.wasm', dbName: 'xorigin' });
        // phone → worker → phone, by the docs' own code
        const synced = await g.syncHead(rt, { api, key, user: 'phone', support });
        const exported = await rt.exportHead(synced.localId);
        const back = synced.bytes;
        const uploaded = synced.uploaded;
        const predict = (body: unknown) =>
          fetch(`${api}/v1/models/glyphs/predict`, { method: 'POST', body: JSON.stringify(body), headers: { ...auth, 'content-type': 'application/json' } }).then(async (r) => ({ status: r.status, timing: r.headers.get('server-timing'), json: (await r.json()) as { predictions: Scores } }));
        const byId = await predict({ headId: uploaded.headId, inputs: queries });
        const byUser = await predict({ user: 'phone', inputs: queries });
        // A head the worker adapted, taken offline.
        const adapted = (await (await fetch(`${api}/v1/models/glyphs/adapt`, { method: 'POST', body: JSON.stringify({ user: 'server', support: workerSupport }), headers: { ...auth, 'content-type': 'application/json' } })).json()) as { headId: string };
        const serverBytes = new Uint8Array(await (await fetch(`${api}/v1/models/glyphs/heads/${adapted.headId}`, { headers: auth })).arrayBuffer());
        const imported = await rt.importHead(serverBytes);
        const result = {
          uploaded,
          localId: synced.localId,
          same: exported.length === back.length && exported.every((b, i) => b === back[i]),
          reimported: synced.saved.id,
          page: (await rt.predict(synced.localId, queries)) as Scores,
          byId,
          byUser,
          offline: (await rt.predict(imported.id, queries)) as Scores,
          server: await predict({ headId: adapted.headId, inputs: queries }),
          listing: synced.heads,
        };
        rt.dispose();
        return result;
      },
      { api: api!.url, key: API_KEY, support: SUPPORT, workerSupport: WORKER_SUPPORT, queries: QUERIES },
    );
    expect(out.uploaded.labels).toEqual(['circle', 'bar', 'cross']);
    expect(out.same).toBe(true);
    expect(out.reimported).toBe(out.uploaded.headId);
    // One id per head: the page's id for the head it adapted is the worker's for the same bytes.
    expect(out.localId).toBe(out.uploaded.headId);
    expect(out.byId.status).toBe(200);
    expectSame(out.page, out.byId.json.predictions);
    expectSame(out.page, out.byUser.json.predictions);
    // Server-Timing is exposed to the page's script.
    expect(out.byId.timing).toContain('total');
    expect(out.offline.map((p) => p.label)).toEqual(out.server.json.predictions.map((p) => p.label));
    expectSame(out.server.json.predictions, out.offline);
    expect(out.listing).toEqual([expect.objectContaining({ headId: out.uploaded.headId, source: 'upload', latest: true })]);
    expect(h.errors).toEqual([]);
  });

  it('with CORS_ORIGINS naming another origin, the browser refuses the response', async () => {
    // Same port, so the page's CSP still allows it: what stops the page now is CORS alone.
    const port = Number(new URL(api!.url).port);
    await api!.close();
    api = await serveWorker(built, { CORS_ORIGINS: 'https://app.example.com' }, port);
    await h.page.goto(`${h.server.url}/app/`);
    // The worker is up and answers a non-browser client; only the browser enforces CORS.
    const direct = await fetch(`${api.url}/v1/models`, { headers: { authorization: `Bearer ${API_KEY}`, origin: h.server.url } });
    expect(direct.status).toBe(200);
    expect(direct.headers.get('access-control-allow-origin')).toBeNull();
    const before = h.errors.length;
    const outcome = await h.page.evaluate(
      ({ api, key }) => fetch(`${api}/v1/models`, { headers: { authorization: `Bearer ${key}` } }).then((r) => `status ${r.status}`, (e: Error) => `${e.name}: ${e.message}`),
      { api: api.url, key: API_KEY },
    );
    expect(outcome).toBe('TypeError: Failed to fetch');
    expect(h.errors.slice(before).join('\n')).toMatch(/CORS policy/);
  });
});
