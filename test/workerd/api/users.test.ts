import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { KEYS, makeApp, support } from './harness';

interface Listing {
  model: string;
  user: string;
  heads: Array<{ headId: string; labels: string[]; latest: boolean; source: string; createdAt: number | null; steps: number | null; loss: { after: number | null } }>;
}

describe("GET /v1/models/:model/users/:user lists the user's heads", () => {
  it('newest first, with the latest marked, for the caller\'s tenant only; empty after DELETE', async () => {
    const { call } = makeApp();
    const ids: string[] = [];
    for (const seed of [11, 12]) {
      const res = await call('POST', '/v1/models/tiny/adapt', { body: { user: 'lister', support: support(2, 3, seed, ['p', 'q']), steps: 3 } });
      expect(res.status).toBe(200);
      ids.push(((await res.json()) as { headId: string }).headId);
    }
    const res = await call('GET', '/v1/models/tiny/users/lister');
    expect(res.status).toBe(200);
    const list = (await res.json()) as Listing;
    expect(list.model).toBe('tiny');
    expect(list.user).toBe('lister');
    expect(list.heads.map((h) => h.headId)).toEqual([ids[1], ids[0]]);
    expect(list.heads.map((h) => h.latest)).toEqual([true, false]);
    expect(list.heads[0]).toMatchObject({ labels: ['p', 'q'], source: 'adapt', steps: 3 });
    expect(typeof list.heads[0]!.createdAt).toBe('number');
    expect(typeof list.heads[0]!.loss.after).toBe('number');

    // Tenant isolation: the same user name under another key is somebody else, with no heads.
    for (const key of [KEYS.alpha, KEYS.beta]) {
      const other = await call('GET', '/v1/models/tiny/users/lister', { key });
      expect(other.status).toBe(200);
      expect(((await other.json()) as Listing).heads).toEqual([]);
    }
    // Another model of the same tenant keeps its own users.
    expect(((await (await call('GET', '/v1/models/tiny-sine/users/lister')).json()) as Listing).heads).toEqual([]);

    expect((await call('DELETE', '/v1/models/tiny/users/lister')).status).toBe(204);
    expect(((await (await call('GET', '/v1/models/tiny/users/lister')).json()) as Listing).heads).toEqual([]);
  });

  it('refuses a bad user or model and answers 503 when KV is down', async () => {
    const { call, kv } = makeApp();
    expect((await call('GET', `/v1/models/tiny/users/${'x'.repeat(129)}`)).status).toBe(400);
    expect((await call('GET', '/v1/models/nope/users/u')).status).toBe(404);
    expect((await call('GET', '/v1/models/tiny/users/u', { key: null })).status).toBe(401);
    kv.fail.get = true;
    const down = await call('GET', '/v1/models/tiny/users/u');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ code: 'cache_unavailable' });
    expect(down.headers.get('retry-after')).toBe('5');
  });

  it('MAX_USER_LENGTH is enforced on every route that takes a user', async () => {
    const { app, kv } = makeApp();
    const vars = { ...env, MAX_USER_LENGTH: '4' };
    const headers = { authorization: `Bearer ${KEYS.local}`, 'content-type': 'application/json' };
    const adapt = await app.request('http://api.test/v1/models/tiny/adapt', { method: 'POST', headers, body: JSON.stringify({ user: 'abcde', support: support(2, 2, 4) }) }, vars);
    expect(adapt.status).toBe(400);
    expect(((await adapt.json()) as { detail: string }).detail).toContain('limit is 4');
    expect((await app.request('http://api.test/v1/models/tiny/users/abcde', { headers }, vars)).status).toBe(400);
    expect((await app.request('http://api.test/v1/models/tiny/users/abcd', { headers }, vars)).status).toBe(200);
    expect(kv.writes).toBe(0);
  });
});
