import fc from 'fast-check';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { decodeHead } from '../../src/head/codec';
import { headKey, userKey } from '../../worker/heads/keys';
import { createRng } from '../../src/util/random';
import { KEYS, makeFuzzApp, snapshotTenant, support } from './fuzz/harness';
import type { Call } from './fuzz/harness';

// Tenant 'gamma' belongs to this file alone, so its KV prefix can be inspected while other files run.
const key = KEYS.gamma;
const TENANT = 'gamma';
type Json = Record<string, unknown>;

const adaptBody = (user: string, seed: number) => {
  const s = support(3, 2, seed, ['a', 'b', 'c']);
  return { user, support: { inputs: s.inputs, labels: s.labels }, queries: s.centres };
};
const post = async (call: Call, path: string, body: unknown) => {
  const res = await call('POST', path, { key, body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Json };
};

describe('KV faults: the cache degrades, the API keeps answering', () => {
  it('KV reads always failing: adapt says "unavailable", predict with support re-adapts, lookups are 503s, never 500', async () => {
    const { call, kv } = makeFuzzApp({ failRate: { get: 1 } });
    const b = adaptBody('kvf-get-down', 101);
    const a = await post(call, '/v1/models/tiny/adapt', b);
    expect(a.status).toBe(200);
    expect(a.json.cache).toBe('unavailable');
    expect(kv.stats.calls.put).toBe(0); // a cache that cannot be read is not written either
    const p = await post(call, '/v1/models/tiny/predict', { inputs: b.queries, support: b.support });
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({ headId: a.json.headId, cache: 'unavailable', adapted: true });
    expect((p.json.predictions as { label: string }[]).map((x) => x.label)).toEqual(['a', 'b', 'c']);
    for (const body of [{ user: b.user, inputs: b.queries }, { headId: a.json.headId, inputs: b.queries }]) {
      const r = await post(call, '/v1/models/tiny/predict', body);
      expect(r.status).toBe(503);
      expect(r.json.code).toBe('cache_unavailable');
      expect(r.headers.get('retry-after')).toBe('5');
    }
    const d = await call('DELETE', `/v1/models/tiny/users/${b.user}`, { key });
    expect(d.status).toBe(503);
    expect(kv.stats.failed).toBeGreaterThanOrEqual(4);
  });

  it('KV writes always failing: adapt answers 200 "unavailable" and nothing lands in KV', async () => {
    const { call, kv } = makeFuzzApp({ failRate: { put: 1 } });
    const before = await snapshotTenant(TENANT);
    const b = adaptBody('kvf-put-down', 102);
    const a = await post(call, '/v1/models/tiny/adapt', b);
    expect(a.status).toBe(200);
    expect(a.json.cache).toBe('unavailable');
    expect(kv.stats.failed).toBe(1); // the head put failed; the pointer was not attempted
    const p = await post(call, '/v1/models/tiny/predict', { user: b.user, inputs: b.queries, support: b.support });
    expect(p.json).toMatchObject({ cache: 'unavailable', adapted: true });
    expect(await snapshotTenant(TENANT)).toEqual(before);
  });

  it('KV calls that hang are bounded by the store timeout: adapt and predict answer, delete is a 503', async () => {
    const { call, kv } = makeFuzzApp({ hangMs: { get: Infinity, put: Infinity, delete: Infinity } });
    const b = adaptBody('kvf-hang', 103);
    // Concurrently, so the three 2 s timeouts overlap.
    const [a, p, d] = await Promise.all([
      post(call, '/v1/models/tiny/adapt', b),
      post(call, '/v1/models/tiny/predict', { user: b.user, inputs: b.queries, support: b.support }),
      call('DELETE', `/v1/models/tiny/users/${b.user}`, { key }),
    ]);
    expect(a.status).toBe(200);
    expect(a.json.cache).toBe('unavailable');
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({ cache: 'unavailable', adapted: true });
    expect(d.status).toBe(503);
    expect(kv.stats.hung).toBeGreaterThanOrEqual(3);
  });

  it('a put that "succeeds" but stores damaged bytes is never served: the next read is a miss, re-adapted and overwritten', async () => {
    const { call, kv } = makeFuzzApp({ corruptWriteRate: 1, corruption: 'bitflip' }, 7);
    const b = adaptBody('kvf-torn', 104);
    const first = await post(call, '/v1/models/tiny/adapt', b);
    expect(first.json.cache).toBe('miss'); // the store believes the write landed
    expect(kv.stats.corruptedWrites).toBe(3); // head, adapt-index entry and pointer
    const hk = headKey(TENANT, 'tiny', first.json.headId as string);
    await expect(decodeHead(new Uint8Array((await env.HEADS.get(hk, 'arrayBuffer'))!))).rejects.toThrow(/checksum|meta|payload|magic|version|truncated/);

    kv.setPlan({});
    const byId = await post(call, '/v1/models/tiny/predict', { headId: first.json.headId, inputs: b.queries });
    expect(byId.status).toBe(404); // damaged bytes are a miss, not a head
    const again = await post(call, '/v1/models/tiny/adapt', b);
    expect(again.json).toMatchObject({ headId: first.json.headId, cache: 'miss' }); // re-adapted, not a hit
    await decodeHead(new Uint8Array((await env.HEADS.get(hk, 'arrayBuffer'))!)); // overwritten with verifying bytes
    const third = await post(call, '/v1/models/tiny/adapt', b);
    expect(third.json.cache).toBe('hit');
    const byUser = await post(call, '/v1/models/tiny/predict', { user: b.user, inputs: b.queries });
    expect(byUser.status).toBe(200);
    expect((byUser.json.predictions as { label: string }[]).map((x) => x.label)).toEqual(['a', 'b', 'c']);
  });

  it('a damaged user pointer is treated as missing and rewritten, not as a KV outage', async () => {
    const { call } = makeFuzzApp();
    const b = adaptBody('kvf-torn-pointer', 105);
    const a = await post(call, '/v1/models/tiny/adapt', b);
    const uk = userKey(TENANT, 'tiny', b.user);
    const good = (await env.HEADS.get(uk, 'text'))!;
    await env.HEADS.put(uk, good.slice(0, good.length - 7)); // torn JSON
    const p = await post(call, '/v1/models/tiny/predict', { user: b.user, inputs: b.queries });
    expect(p.status).toBe(404);
    expect(p.json.code).toBe('head_not_found');
    const again = await post(call, '/v1/models/tiny/adapt', b);
    expect(again.json).toMatchObject({ headId: a.json.headId, cache: 'hit' });
    expect(JSON.parse((await env.HEADS.get(uk, 'text'))!)).toEqual({ latest: a.json.headId, heads: [a.json.headId] });
    await env.HEADS.put(uk, '{"latest":'); // torn again: deleting the user must still succeed and clear it
    expect((await call('DELETE', `/v1/models/tiny/users/${b.user}`, { key })).status).toBe(204);
    expect(await env.HEADS.get(uk, 'text')).toBeNull();
  });

  it('bit flips and truncations of a stored head (fast-check): never served; predict with support re-adapts and repairs it', async () => {
    const { call } = makeFuzzApp();
    const b = adaptBody('kvf-rot', 106);
    const a = await post(call, '/v1/models/tiny/adapt', b);
    const clean = await post(call, '/v1/models/tiny/predict', { headId: a.json.headId, inputs: b.queries });
    const hk = headKey(TENANT, 'tiny', a.json.headId as string);
    const { value, metadata } = await env.HEADS.getWithMetadata(hk, 'arrayBuffer');
    const bytes = new Uint8Array(value!);
    const damage = fc.oneof(
      fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips) => {
        const out = bytes.slice();
        for (const [at, bit] of flips) out[at]! ^= 1 << bit;
        return out;
      }),
      fc.nat(bytes.length - 1).map((n) => bytes.slice(0, n)),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail) => Uint8Array.from([...bytes, ...tail])),
    );
    await fc.assert(
      fc.asyncProperty(damage, async (bad) => {
        fc.pre(bad.length !== bytes.length || bad.some((v, i) => v !== bytes[i]));
        await env.HEADS.put(hk, bad, { metadata });
        const byId = await post(call, '/v1/models/tiny/predict', { headId: a.json.headId, inputs: b.queries });
        expect(byId.status).toBe(404);
        const re = await post(call, '/v1/models/tiny/predict', { headId: a.json.headId, inputs: b.queries, support: b.support });
        expect(re.json).toMatchObject({ adapted: true, cache: 'miss' });
        expect(re.json.predictions).toEqual(clean.json.predictions);
        expect(new Uint8Array((await env.HEADS.get(hk, 'arrayBuffer'))!)).toEqual(bytes); // repaired, bit for bit
      }),
      { seed: 106, numRuns: 60 },
    );
  });

  it('seeded random faults on every operation (300 mixed requests): no 500, adapt always answers, every served head is the right one', async () => {
    const users = Array.from({ length: 5 }, (_, i) => adaptBody(`kvf-chaos-${i}`, 200 + i));
    const healthy = makeFuzzApp();
    const truth = new Map<string, unknown>();
    for (const u of users) {
      const p = await post(healthy.call, '/v1/models/tiny/predict', { inputs: u.queries, support: u.support });
      truth.set(u.user, p.json.predictions);
    }
    const { call, kv } = makeFuzzApp({ failRate: { get: 0.25, put: 0.25, delete: 0.25 }, corruptWriteRate: 0.15, corruptReadRate: 0.1 }, 2026);
    const rng = createRng(2026);
    const seen = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const u = users[rng.int(users.length)]!;
      const op = ['adapt', 'predict-user', 'predict-support', 'predict-headid', 'delete'][rng.int(5)]!;
      let status: number;
      let json: Json = {};
      if (op === 'delete') {
        status = (await call('DELETE', `/v1/models/tiny/users/${u.user}`, { key })).status;
        expect([204, 503], op).toContain(status);
      } else if (op === 'adapt') {
        ({ status, json } = await post(call, '/v1/models/tiny/adapt', u));
        expect(status, op).toBe(200);
        expect(['hit', 'miss', 'unavailable']).toContain(json.cache);
      } else {
        const body = op === 'predict-user' ? { user: u.user } : op === 'predict-support' ? { user: u.user, support: u.support } : { headId: (truth.get(`${u.user}:id`) as string) ?? '0'.repeat(64) };
        ({ status, json } = await post(call, '/v1/models/tiny/predict', { ...body, inputs: u.queries }));
        if (op === 'predict-support') expect(status, op).toBe(200);
        else expect([200, 404, 503], op).toContain(status);
        if (status === 200) expect(json.predictions, `${op} served a head that is not ${u.user}'s`).toEqual(truth.get(u.user));
        if (status === 503) expect(json.code).toBe('cache_unavailable');
      }
      if (json.headId) truth.set(`${u.user}:id`, json.headId);
      seen.set(`${op} ${status}`, (seen.get(`${op} ${status}`) ?? 0) + 1);
    }
    expect(kv.stats.failed).toBeGreaterThan(20);
    expect(kv.stats.corruptedWrites + kv.stats.corruptedReads).toBeGreaterThan(5);
    console.log(JSON.stringify({ kvFaults: Object.fromEntries([...seen].sort()), stats: kv.stats }));
  });
});
