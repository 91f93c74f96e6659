import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { headKey, userKey } from '../../../worker/heads/keys';
import { createRng } from '../../../src/util/random';
import { EX_KEYS, examplesApp, examplesFor } from './harness';
import type { Json } from './harness';

const u = (user: string) => `/v1/models/tiny/users/${user}`;
const pointer = async (user: string) => JSON.parse((await env.HEADS.get(userKey('zeta', 'tiny', user), 'text')) ?? 'null') as { latest: string } | null;

describe('crashes between storing an example and storing its head: consistent state, the next call repairs', () => {
  it('the head cannot be stored (KV down): the example is kept, the old head still serves, the next call re-adapts', async () => {
    const { call, faulty } = examplesApp();
    const s = examplesFor(3, 3, 31);
    const ok = await call('POST', `${u('crash-kv')}/examples`, { inputs: s.inputs.slice(0, 6), labels: s.labels.slice(0, 6) });
    faulty.setPlan({ failRate: { put: 1 } });
    const r = await call('POST', `${u('crash-kv')}/examples`, { inputs: s.inputs.slice(6), labels: s.labels.slice(6) });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ examples: 9, revision: 2, cache: 'unavailable', adapted: true });
    expect(await env.HEADS.get(headKey('zeta', 'tiny', r.json.headId as string))).toBeNull(); // nothing half-written
    expect((await pointer('crash-kv'))?.latest).toBe(ok.json.headId);
    faulty.setPlan({});
    // Until the repair, predict answers from the previous head: valid, one batch behind.
    expect((await call('POST', '/v1/models/tiny/predict', { user: 'crash-kv', inputs: [s.centres[0]] })).json.headId).toBe(ok.json.headId);
    const fix = await call('GET', `${u('crash-kv')}/examples`);
    expect(fix.json).toMatchObject({ headId: r.json.headId, examples: 9, readapted: true, readapts: 1, adapted: true });
    expect((await pointer('crash-kv'))?.latest).toBe(r.json.headId);
    const again = await call('GET', `${u('crash-kv')}/examples`);
    expect(again.json).toMatchObject({ headId: r.json.headId, readapted: false, readapts: 1 });
  });

  it('the isolate dies after storing the head, before recording it: the next call records it without adapting again', async () => {
    const { call, examples } = examplesApp();
    const s = examplesFor(2, 3, 32);
    const first = await call('POST', `${u('crash-commit')}/examples`, { inputs: s.inputs.slice(0, 4), labels: s.labels.slice(0, 4) });
    examples.fail.commit = true;
    const r = await call('POST', `${u('crash-commit')}/examples`, { inputs: s.inputs.slice(4), labels: s.labels.slice(4) });
    expect(r.json).toMatchObject({ cache: 'unavailable', examples: 6 });
    expect(await env.HEADS.get(headKey('zeta', 'tiny', r.json.headId as string))).not.toBeNull(); // stored, but not yet the user's
    expect((await pointer('crash-commit'))?.latest).toBe(first.json.headId);
    examples.fail.commit = false;
    const p = await call('POST', '/v1/models/tiny/predict', { user: 'crash-commit', inputs: [s.centres[0]] });
    expect(p.json.headId).toBe(first.json.headId);
    const fix = await call('GET', `${u('crash-commit')}/examples`);
    expect(fix.json).toMatchObject({ headId: r.json.headId, adapted: false, readapted: false, cache: 'hit' }); // found in KV: no inner loop
    expect((await pointer('crash-commit'))?.latest).toBe(r.json.headId);
  });

  it('the head is recorded but the pointer write fails (or the ack is lost): the next call rewrites the pointer', async () => {
    const { call, kv, examples } = examplesApp();
    const s = examplesFor(2, 3, 33);
    const first = await call('POST', `${u('crash-ptr')}/examples`, { inputs: s.inputs.slice(0, 4), labels: s.labels.slice(0, 4) });
    kv.failPuts = /^v1:user:/;
    const r = await call('POST', `${u('crash-ptr')}/examples`, { inputs: s.inputs.slice(4), labels: s.labels.slice(4) });
    expect(r.json).toMatchObject({ cache: 'unavailable', examples: 6 });
    expect((await pointer('crash-ptr'))?.latest).toBe(first.json.headId);
    kv.failPuts = undefined;
    const fix = await call('GET', `${u('crash-ptr')}/examples`);
    expect(fix.json).toMatchObject({ headId: r.json.headId, adapted: false, cache: 'hit' });
    expect((await pointer('crash-ptr'))?.latest).toBe(r.json.headId);

    examples.fail.ack = true; // the pointer was written, the confirmation never reached the store
    const t = await call('POST', `${u('crash-ptr')}/examples`, { inputs: [s.centres[0]], labels: [s.labels[0]] });
    expect(t.json.cache).toBe('unavailable');
    examples.fail.ack = false;
    expect((await pointer('crash-ptr'))?.latest).toBe(t.json.headId);
    const acks = examples.calls.ack;
    expect((await call('GET', `${u('crash-ptr')}/examples`)).json.headId).toBe(t.json.headId);
    expect(examples.calls.ack).toBe(acks + 1); // re-confirmed once...
    await call('GET', `${u('crash-ptr')}/examples`);
    expect(examples.calls.ack).toBe(acks + 1); // ...and then in sync: a GET writes nothing
  });

  it('the examples store is down: appends are 503 and store nothing; predict still serves the cached head', async () => {
    const { call, examples } = examplesApp();
    const s = examplesFor(2, 2, 34);
    const a = await call('POST', `${u('store-down')}/examples`, { inputs: s.inputs, labels: s.labels });
    examples.fail.append = examples.fail.read = examples.fail.remove = true;
    const r = await call('POST', `${u('store-down')}/examples`, { inputs: [s.inputs[0]], labels: [s.labels[0]] });
    expect([r.status, r.json.code, r.headers.get('retry-after')]).toEqual([503, 'examples_unavailable', '5']);
    expect((await call('GET', `${u('store-down')}/examples`)).status).toBe(503);
    expect((await call('POST', '/v1/models/tiny/predict', { user: 'store-down', inputs: [s.centres[0]] })).json.headId).toBe(a.json.headId);
    examples.fail = {};
    expect((await call('GET', `${u('store-down')}/examples`)).json).toMatchObject({ examples: 4, revision: 1, headId: a.json.headId });
  });

  it('seeded chaos (KV and store faults, before and after the store acts, 120 operations): after healing, one call leaves the head of exactly the stored set', async () => {
    const { call, faulty, examples } = examplesApp();
    const s = examplesFor(4, 30, 35, ['a', 'b', 'c', 'd']);
    const rng = createRng(35);
    faulty.setPlan({ failRate: { get: 0.1, put: 0.15, delete: 0.15 }, corruptWriteRate: 0.05 }, 35);
    examples.rate = 0.1;
    examples.fail = { append: true, commit: true, ack: true, read: true, remove: true };
    examples.failAfter = { append: true, commit: true, ack: true, remove: true };
    const seen = new Map<string, number>();
    let next = 0;
    for (let i = 0; i < 120; i++) {
      const op = rng.next() < 0.8 ? 'append' : rng.next() < 0.5 ? 'remove' : 'predict';
      let r: { status: number; json: Json };
      if (op === 'append') r = await call('POST', `${u('chaos')}/examples`, { inputs: [s.inputs[next % s.inputs.length]], labels: [s.labels[next++ % s.inputs.length]] });
      else if (op === 'remove') r = await call('DELETE', `${u('chaos')}/examples?label=${'abcd'[rng.int(4)]}`);
      else r = await call('POST', '/v1/models/tiny/predict', { user: 'chaos', inputs: [s.centres[0]] });
      expect([200, 404, 503], JSON.stringify(r.json)).toContain(r.status);
      if (r.status === 503) expect(['examples_unavailable', 'cache_unavailable']).toContain(r.json.code);
      seen.set(`${op} ${r.status}`, (seen.get(`${op} ${r.status}`) ?? 0) + 1);
    }
    expect(examples.injected).toBeGreaterThan(5);
    faulty.setPlan({});
    examples.fail = {};
    examples.failAfter = {};
    const healed = await call('GET', `${u('chaos')}/examples?inputs=1`);
    expect(healed.status).toBe(200);
    const support = healed.json.support as { inputs: number[][]; labels: string[] };
    const classes = new Set(support.labels).size;
    const p = await call('POST', '/v1/models/tiny/predict', { user: 'chaos', inputs: [s.centres[0]] });
    if (classes < 2) {
      expect(healed.json.headId).toBeNull();
      expect(p.status).toBe(404);
    } else {
      const fresh = await call('POST', '/v1/models/tiny/adapt', { user: 'chaos-fresh', support }, EX_KEYS.eta);
      expect(healed.json.headId).toBe(fresh.json.headId);
      expect(p.json).toMatchObject({ headId: fresh.json.headId });
    }
    console.log(JSON.stringify({ chaos: Object.fromEntries([...seen].sort()), injected: examples.injected, stored: support.labels.length, classes }));
  });
});
