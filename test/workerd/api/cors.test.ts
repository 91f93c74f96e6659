import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { KEYS, makeApp, support } from './harness';

const PAGE = 'http://127.0.0.1:8801';
const preflight = (origin: string, method = 'POST') => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
});
const withVars = (vars: Record<string, string>) => ({ ...env, ...vars });

describe('CORS: browsers and webviews on other origins', () => {
  it('local default (no CORS_ORIGINS): a preflight on /v1 is answered before auth, for any origin', async () => {
    const { app } = makeApp();
    for (const path of ['/v1/models/tiny/heads', '/v1/models/tiny/adapt', '/v1/models/tiny/users/u']) {
      const res = await app.request(`http://api.test${path}`, preflight(PAGE), env);
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(expect.arrayContaining(['authorization', 'content-type']));
      expect(res.headers.get('access-control-allow-methods')?.split(',')).toEqual(expect.arrayContaining(['GET', 'POST', 'DELETE']));
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('actual responses, errors included, carry the allow-origin and expose Server-Timing and Retry-After', async () => {
    const { app } = makeApp();
    const body = JSON.stringify({ user: 'cors', support: support(2, 2, 5) });
    const ok = await app.request('http://api.test/v1/models/tiny/adapt', { method: 'POST', body, headers: { origin: PAGE, authorization: `Bearer ${KEYS.local}`, 'content-type': 'application/json' } }, env);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = ok.headers.get('access-control-expose-headers')?.toLowerCase().split(',') ?? [];
    expect(exposed).toEqual(expect.arrayContaining(['server-timing', 'retry-after']));
    expect(ok.headers.get('server-timing')).toContain('total');
    // A page must be able to read why it was refused.
    const denied = await app.request('http://api.test/v1/models', { headers: { origin: PAGE } }, env);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('*');
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
  });

  it('an explicit list grants exactly its origins, with Vary: Origin; others get no allow-origin', async () => {
    const { app } = makeApp();
    const vars = withVars({ CORS_ORIGINS: 'https://app.example.com, https://appassets.androidplatform.net/' });
    const good = await app.request('http://api.test/v1/models/tiny/heads', preflight('https://appassets.androidplatform.net'), vars);
    expect(good.status).toBe(204);
    expect(good.headers.get('access-control-allow-origin')).toBe('https://appassets.androidplatform.net');
    expect(good.headers.get('vary')).toMatch(/origin/i);
    const bad = await app.request('http://api.test/v1/models/tiny/heads', preflight('https://evil.example'), vars);
    expect(bad.status).not.toBe(401);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    const get = await app.request('http://api.test/v1/models', { headers: { origin: 'https://evil.example', authorization: `Bearer ${KEYS.local}` } }, vars);
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    expect(get.headers.get('vary')).toMatch(/origin/i);
    const mine = await app.request('http://api.test/v1/models', { headers: { origin: 'https://app.example.com', authorization: `Bearer ${KEYS.local}` } }, vars);
    expect(mine.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(mine.headers.get('timing-allow-origin')).toBe('https://app.example.com');
  });

  it('a CORS_ORIGINS that is not a list of origins is an operator error (503), granting nothing', async () => {
    const { app } = makeApp();
    const res = await app.request('http://api.test/v1/models', { headers: { origin: PAGE, authorization: `Bearer ${KEYS.local}` } }, withVars({ CORS_ORIGINS: 'app.example.com' }));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('misconfigured');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
