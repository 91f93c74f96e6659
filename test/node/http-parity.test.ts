// The API's HTTP-level suite, run against both servers of the same app: `wrangler dev` (workerd,
// Durable Object quotas, local KV) and `fewshot serve` (Node, FileKv, in-process quotas). One start
// each; the same requests; then the answers are compared across the two.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import glyphsAdapt from '../../examples/glyphs-adapt.json';
import glyphsPredict from '../../examples/glyphs-predict.json';
import glyphsExpected from '../../examples/glyphs-expected.json';
import sineAdapt from '../../examples/sine-adapt.json';
import { API_KEYS, startFewshot, startWrangler } from './servers';
import type { Running } from './servers';

// beta: 2 adapts per 2 s; everyone else keeps the defaults (120 per minute).
const RATE_LIMITS = JSON.stringify({ tenants: { beta: { adapt: { limit: 2, period: 2 } } } });
const VARS = { API_KEYS, RATE_LIMITS };
const KEY = { local: 'local-dev-key', alpha: 'key-alpha', beta: 'key-beta' };

type Json = Record<string, unknown>;
const seen: Record<string, { headId: string; predictions: { label: string; scores: Record<string, number> }[]; models: unknown }> = {};

function client(r: () => Running) {
  return async (method: string, path: string, opts: { key?: string | null; body?: unknown; raw?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? KEY.local}`;
    const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${r().base}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : null) as Json };
  };
}

const servers = [
  { name: 'wrangler dev', start: () => startWrangler(VARS) },
  { name: 'fewshot serve', start: () => startFewshot({ store: join(store, 'heads'), vars: VARS }) },
];
const store = mkdtempSync(join(tmpdir(), 'fewshot-parity-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

describe.each(servers)('the API over HTTP: $name', ({ name, start }) => {
  let server: Running;
  const call = client(() => server);
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    const code = await server.stop();
    // fewshot serve drains on SIGTERM and exits 0 (a process killed by the signal has no code).
    if (name === 'fewshot serve') expect(code).toBe(0);
  });

  it('/healthz reports the SIMD wasm backend, the fused kernel and the embedded models', async () => {
    const h = await call('GET', '/healthz', { key: null });
    expect(h.status).toBe(200);
    expect(h.json).toMatchObject({ ok: true, backend: 'wasm', simd: true, threads: 1, fused: true, models: [{ name: 'glyphs', status: 'ready' }, { name: 'sine-maml', status: 'ready' }, { name: 'embed-384', status: 'ready' }] });
    seen[name] = { ...seen[name]!, models: h.json.models };
  });

  it('adapt: a miss adapts and stores, the same request is a hit; predict by user and by headId', async () => {
    const miss = await call('POST', '/v1/models/glyphs/adapt', { body: glyphsAdapt });
    expect(miss.status).toBe(200);
    expect(miss.json.cache).toBe('miss');
    const hit = await call('POST', '/v1/models/glyphs/adapt', { body: glyphsAdapt });
    expect(hit.json).toMatchObject({ cache: 'hit', headId: miss.json.headId });
    const byUser = await call('POST', '/v1/models/glyphs/predict', { body: glyphsPredict });
    expect(byUser.status).toBe(200);
    const preds = byUser.json.predictions as { label: string; scores: Record<string, number> }[];
    expect(preds.map((p) => p.label)).toEqual(glyphsExpected.labels);
    const byId = await call('POST', '/v1/models/glyphs/predict', { body: { headId: miss.json.headId, inputs: glyphsPredict.inputs } });
    expect(byId.json.predictions).toEqual(preds);
    seen[name] = { ...seen[name]!, headId: miss.json.headId as string, predictions: preds };
  });

  it('heads cross tenants as bytes: download (octet-stream), upload elsewhere, predict with it', async () => {
    const { headId, predictions } = seen[name]!;
    const down = await fetch(`${server.base}/v1/models/glyphs/heads/${headId}`, { headers: { authorization: `Bearer ${KEY.local}` } });
    expect(down.status).toBe(200);
    expect(down.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = new Uint8Array(await down.arrayBuffer());
    const up = await fetch(`${server.base}/v1/models/glyphs/heads?user=carol`, { method: 'POST', headers: { authorization: `Bearer ${KEY.alpha}`, 'content-type': 'application/octet-stream' }, body: bytes });
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ model: 'glyphs', cache: 'miss' });
    const p = await call('POST', '/v1/models/glyphs/predict', { key: KEY.alpha, body: { user: 'carol', inputs: glyphsPredict.inputs } });
    expect(p.json.predictions).toEqual(predictions);
  });

  it('errors are problem+json with stable codes, and auth and tenancy hold', async () => {
    const cases: [number, string, Awaited<ReturnType<typeof call>>][] = [
      [401, 'unauthorized', await call('POST', '/v1/models/glyphs/adapt', { key: null, body: glyphsAdapt })],
      [401, 'unauthorized', await call('POST', '/v1/models/glyphs/adapt', { key: 'not-a-key', body: glyphsAdapt })],
      [404, 'model_not_found', await call('POST', '/v1/models/nope/adapt', { body: glyphsAdapt })],
      [400, 'invalid_json', await call('POST', '/v1/models/glyphs/adapt', { raw: '{"user":' })],
      [422, 'input_length', await call('POST', '/v1/models/glyphs/predict', { body: { user: 'alice', inputs: [[1, 2, 3]] } })],
      [404, 'head_not_found', await call('POST', '/v1/models/glyphs/predict', { body: { user: 'nobody', inputs: glyphsPredict.inputs } })],
      [404, 'not_found', await call('GET', '/v2/anything')],
    ];
    for (const [status, code, res] of cases) {
      expect(res.status, code).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.json.code).toBe(code);
    }
    expect(cases[0]![2].headers.get('www-authenticate')).toBe('Bearer');
    // alpha's head is invisible to beta, even by id.
    const a = await call('POST', '/v1/models/sine-maml/adapt', { key: KEY.alpha, body: sineAdapt });
    const stolen = await call('POST', '/v1/models/sine-maml/predict', { key: KEY.beta, body: { headId: a.json.headId, inputs: [[0.5]] } });
    expect(stolen.json.code).toBe('head_not_found');
    expect((await call('DELETE', `/v1/models/sine-maml/users/${sineAdapt.user}`, { key: KEY.alpha })).status).toBe(204);
    expect((await call('POST', '/v1/models/sine-maml/predict', { key: KEY.alpha, body: { user: sineAdapt.user, inputs: [[0.5]] } })).json.code).toBe('head_not_found');
  });

  it('quotas: a tenant over its adapt quota gets 429 with retry-after, others do not, and it recovers', async () => {
    for (let i = 0; i < 2; i++) expect((await call('POST', '/v1/models/sine-maml/adapt', { key: KEY.beta, body: sineAdapt })).status).toBe(200);
    const limited = await call('POST', '/v1/models/sine-maml/adapt', { key: KEY.beta, body: sineAdapt });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(limited.json.code).toBe('rate_limited');
    const retry = Number(limited.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(2);
    expect((await call('POST', '/v1/models/sine-maml/adapt', { key: KEY.alpha, body: sineAdapt })).status).toBe(200);
    expect((await call('POST', '/v1/models/sine-maml/predict', { key: KEY.beta, body: { user: sineAdapt.user, inputs: [[0.5]] } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, retry * 1000 + 100));
    expect((await call('POST', '/v1/models/sine-maml/adapt', { key: KEY.beta, body: sineAdapt })).status).toBe(200);
  });
});

describe('both servers', () => {
  it('give the same head id and the same predictions for the same request', () => {
    const [w, n] = [seen['wrangler dev'], seen['fewshot serve']];
    expect(w && n).toBeTruthy();
    // Both read the one list (src/store/embedded-models.ts): Node from bundles/, the worker from its Data modules.
    expect(n!.models).toEqual(w!.models);
    expect(n!.headId).toBe(w!.headId);
    n!.predictions.forEach((p, i) => {
      expect(p.label).toBe(w!.predictions[i]!.label);
      for (const [k, v] of Object.entries(p.scores)) expect(v).toBeCloseTo(w!.predictions[i]!.scores[k]!, 4);
    });
  });
});
