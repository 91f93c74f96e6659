import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { KEYS, makeApp, support } from './harness';

describe('wrong method and wrong media type are their own problems', () => {
  it('a wrong method on an existing route is 405 with Allow; an unknown path stays 404', async () => {
    const { call, kv } = makeApp();
    const cases: Array<[string, string, string]> = [
      ['GET', '/v1/models/tiny/adapt', 'OPTIONS, POST'],
      ['PUT', '/v1/models/tiny/predict', 'OPTIONS, POST'],
      ['DELETE', `/v1/models/tiny/heads/${'a'.repeat(64)}`, 'GET, HEAD, OPTIONS'],
      ['POST', '/v1/models/tiny/users/u', 'DELETE, GET, HEAD, OPTIONS'],
      ['POST', '/healthz', 'GET, HEAD, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await call(method, path, method === 'GET' || method === 'DELETE' ? {} : { body: {} });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 405, code: 'method_not_allowed' });
    }
    const missing = await call('GET', '/v1/models/tiny/nothing');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('not_found');
    expect(kv.writes + kv.deletes).toBe(0);
  });

  it('a JSON body sent without (or with another) Content-Type is 415 unsupported_media_type', async () => {
    const { app, kv } = makeApp();
    // Bytes, so the runtime adds no Content-Type of its own (a string body would get text/plain).
    const body = new TextEncoder().encode(JSON.stringify({ user: 'u', support: support(2, 2, 1) }));
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded']) {
      const headers: Record<string, string> = { authorization: `Bearer ${KEYS.local}`, ...(type ? { 'content-type': type } : {}) };
      const res = await app.request('http://api.test/v1/models/tiny/adapt', { method: 'POST', body, headers }, env);
      expect(res.status, String(type)).toBe(415);
      expect(await res.json()).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    }
    expect(kv.writes).toBe(0);
  });

  it('a trailing slash is the same route: POST …/adapt/ adapts, GET /healthz/ is /healthz', async () => {
    const { call } = makeApp();
    const body = { user: 'u-slash', support: support(2, 2, 3) };
    const slash = await call('POST', '/v1/models/tiny/adapt/', { body });
    expect(slash.status).toBe(200);
    const plain = await call('POST', '/v1/models/tiny/adapt', { body });
    expect(((await plain.json()) as { headId: string }).headId).toBe(((await slash.json()) as { headId: string }).headId);
    // (503 here: makeApp serves a broken bundle on purpose; what matters is the route answered.)
    expect((await call('GET', '/healthz/', { key: null })).status).toBe((await call('GET', '/healthz', { key: null })).status);
    // A wrong method with a trailing slash is still a true 405.
    const wrong = await call('GET', '/v1/models/tiny/adapt/');
    expect(wrong.status).toBe(405);
    expect(((await wrong.json()) as { detail: string }).detail).toBe('GET is not allowed on /v1/models/tiny/adapt; allowed: OPTIONS, POST');
  });

  it('GET / points to /docs and /openapi.json instead of a bare 404', async () => {
    const { call } = makeApp();
    const res = await call('GET', '/', { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ docs: '/docs', openapi: '/openapi.json', health: '/healthz' });
  });

  it('/docs says its introduction once', async () => {
    const { call } = makeApp();
    const page = await (await call('GET', '/docs', { key: null })).text();
    const text = page.replace(/<[^>]+>/g, ' ');
    for (const phrase of ['Per-user few-shot adaptation', 'Send a few labelled examples', 'Machine-readable']) expect(text.split(phrase).length - 1, phrase).toBe(1);
  });
});
