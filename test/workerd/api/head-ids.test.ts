// One head, one id: the SHA-256 of its bytes — from adapt, the user's list, download, upload, predict
// and the CLI alike; heads stored under the old request-derived id keep resolving.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import glyphs from '../../../bundles/glyphs.fsb';
import cliHead from '../../fixtures/cli-head/glyphs.fshd';
import cliPredictions from '../../fixtures/cli-head/glyphs-predict.json';
import fixtureInputs from '../../fixtures/cli-head/inputs.json';
import glyphsAdapt from '../../../examples/glyphs-adapt.json';
import { decodeBundle } from '../../../src/bundle/index';
import { adaptKeyFor, headIdOf } from '../../../src/head/head-id';
import { createApp } from '../../../worker/app';
import { adaptIndexKey, headKey } from '../../../worker/heads/keys';
import { initWorkerdBackend } from '../../../wasm/workerd';
import { CountingKv, KEYS } from './harness';

function glyphsApp() {
  const kv = new CountingKv(env.HEADS);
  const app = createApp({ backend: () => initWorkerdBackend(), kv: () => kv, bundles: [{ name: 'glyphs', bytes: async () => glyphs }] });
  const call = async (method: string, path: string, body?: Uint8Array | object) => {
    const headers: Record<string, string> = { authorization: `Bearer ${KEYS.local}` };
    if (body) headers['content-type'] = body instanceof Uint8Array ? 'application/octet-stream' : 'application/json';
    return app.request(`http://api.test${path}`, { method, headers, body: body instanceof Uint8Array ? body : body ? JSON.stringify(body) : undefined }, env);
  };
  const json = async (method: string, path: string, body?: Uint8Array | object) => {
    const res = await call(method, path, body);
    expect(res.status, `${method} ${path}`).toBe(200);
    return (await res.json()) as Record<string, unknown> & { headId: string; cache: string };
  };
  return { kv, call, json };
}

describe('one id per head', () => {
  it('adapt, list, download, upload, predict and the CLI all name the head by the SHA-256 of its bytes', async () => {
    const { kv, call, json } = glyphsApp();
    const bytes = new Uint8Array(cliHead);
    const id = await headIdOf(bytes);
    // The CLI's id for its file (`fewshot adapt` / `predict` print it; the fixture recorded it).
    expect(cliPredictions.headId).toBe(id);

    const a = await json('POST', '/v1/models/glyphs/adapt', { ...glyphsAdapt, user: 'one-id' });
    expect(a).toMatchObject({ headId: id, cache: 'miss' });
    const listed = (await json('GET', '/v1/models/glyphs/users/one-id')) as unknown as { heads: { headId: string }[] };
    expect(listed.heads.map((h) => h.headId)).toEqual([id]);
    const down = await call('GET', `/v1/models/glyphs/heads/${id}`);
    const downloaded = new Uint8Array(await down.arrayBuffer());
    expect(downloaded).toEqual(bytes);
    expect(await headIdOf(downloaded)).toBe(id);

    // Re-uploading the downloaded bytes is the same head: same id, already stored, nothing written.
    const writes = kv.writes;
    const up = await json('POST', '/v1/models/glyphs/heads?user=one-id', downloaded);
    expect(up).toMatchObject({ headId: id, cache: 'hit' });
    expect(kv.writes).toBe(writes);
    const again = await json('POST', '/v1/models/glyphs/adapt', { ...glyphsAdapt, user: 'one-id' });
    expect(again).toMatchObject({ headId: id, cache: 'hit' });
    expect(kv.writes).toBe(writes);
    expect(((await json('GET', '/v1/models/glyphs/users/one-id')) as unknown as { heads: unknown[] }).heads).toHaveLength(1);

    const p = await json('POST', '/v1/models/glyphs/predict', { headId: id, inputs: fixtureInputs.inputs });
    expect(p.headId).toBe(id);
    const withSupport = await json('POST', '/v1/models/glyphs/predict', { support: glyphsAdapt.support, inputs: fixtureInputs.inputs });
    expect(withSupport).toMatchObject({ headId: id, adapted: false });
  });

  it('a head stored under its old, request-derived id still resolves by it, and adapt answers with the byte id', async () => {
    const { kv, call, json } = glyphsApp();
    const bytes = new Uint8Array(cliHead);
    const id = await headIdOf(bytes);
    const data = await decodeBundle(new Uint8Array(glyphs.slice(0)));
    // steps 3: a request no other test made (KV is shared across this file's tests).
    const support = glyphsAdapt.support;
    const oldId = await adaptKeyFor(data.id, support, { steps: 3, lr: data.defaults.lr, optimizer: data.defaults.optimizer });
    expect(oldId).not.toBe(id);
    // What the worker wrote before ids were unified: the bytes under the adapt key, the user pointing at it.
    const tenant = 'local';
    await env.HEADS.put(headKey(tenant, 'glyphs', oldId), bytes.slice().buffer, { metadata: { steps: 10, lr: data.defaults.lr, lossBefore: 1, lossAfter: 0.5, createdAt: 1 } });
    await env.HEADS.put(`v1:user:${tenant}:glyphs:legacy`, JSON.stringify({ latest: oldId, heads: [oldId] }));

    expect((await json('POST', '/v1/models/glyphs/predict', { headId: oldId, inputs: fixtureInputs.inputs })).headId).toBe(oldId);
    expect((await json('POST', '/v1/models/glyphs/predict', { user: 'legacy', inputs: fixtureInputs.inputs })).headId).toBe(oldId);
    expect((await call('GET', `/v1/models/glyphs/heads/${oldId}`)).status).toBe(200);

    // The same request through adapt: found (no inner loop), answered and re-stored under the byte id.
    const a = await json('POST', '/v1/models/glyphs/adapt', { user: 'legacy', support, steps: 3 });
    expect(a).toMatchObject({ headId: id, cache: 'hit', loss: { before: 1, after: 0.5 } });
    expect(await env.HEADS.get(adaptIndexKey(tenant, 'glyphs', oldId), 'json')).toEqual({ headId: id });
    expect(new Uint8Array((await env.HEADS.get(headKey(tenant, 'glyphs', id), 'arrayBuffer'))!)).toEqual(bytes);
    expect((await json('POST', '/v1/models/glyphs/predict', { headId: id, inputs: fixtureInputs.inputs })).headId).toBe(id);
    // Once re-stored, the same adapt is an ordinary hit that writes nothing; the old id still works.
    const writes = kv.writes;
    expect(await json('POST', '/v1/models/glyphs/adapt', { user: 'legacy', support, steps: 3 })).toMatchObject({ headId: id, cache: 'hit' });
    expect(kv.writes).toBe(writes);
    expect((await json('POST', '/v1/models/glyphs/predict', { headId: oldId, inputs: fixtureInputs.inputs })).headId).toBe(oldId);
  });

  it('an index entry whose head is gone (deleted with its user) adapts again', async () => {
    const { call, json } = glyphsApp();
    const first = await json('POST', '/v1/models/glyphs/adapt', { ...glyphsAdapt, user: 'gone' });
    expect((await call('DELETE', '/v1/models/glyphs/users/gone')).status).toBe(204);
    const again = await json('POST', '/v1/models/glyphs/adapt', { ...glyphsAdapt, user: 'gone' });
    expect(again).toMatchObject({ headId: first.headId, cache: 'miss' });
    expect((await call('GET', `/v1/models/glyphs/heads/${first.headId}`)).status).toBe(200);
  });
});
