import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createApp } from '../../../worker/app';
import { durableRateLimiter } from '../../../worker/rate-limit/durable-object';
import { initWorkerdBackend } from '../../../wasm/workerd';
import tiny from '../../fixtures/tiny.fsb';
import { KEYS, support } from '../api/harness';

// alpha: 2 adapts per 2 s; beta: 5 (its own override); predict is a class of its own.
const RATE_LIMITS = JSON.stringify({ default: { adapt: { limit: 2, period: 2 }, predict: { limit: 50, period: 60 } }, tenants: { beta: { adapt: { limit: 5, period: 2 } } } });

function app() {
  const a = createApp({ backend: () => initWorkerdBackend(), bundles: [{ name: 'tiny', bytes: async () => tiny }], rateLimiter: () => durableRateLimiter(env.TENANT_LIMITS) });
  return (key: string, path: string, body: unknown) =>
    a.request(`http://api.test/v1/models/tiny/${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }, { ...env, RATE_LIMITS });
}

describe('per-tenant quotas in workerd (Durable Object counter)', () => {
  it('429 rate_limited with retry-after, per tenant and class, and recovery after the window', async () => {
    const call = app();
    const s = support(2, 3, 7);
    for (let i = 0; i < 2; i++) expect((await call(KEYS.alpha, 'adapt', { user: 'u', support: s })).status).toBe(200);
    const limited = await call(KEYS.alpha, 'adapt', { user: 'u', support: s });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(((await limited.json()) as { code: string }).code).toBe('rate_limited');
    const retry = Number(limited.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(2);
    // A predict carrying support may adapt: it is charged to the exhausted adapt quota.
    expect((await call(KEYS.alpha, 'predict', { user: 'u', support: s, inputs: [s.inputs[0]] })).status).toBe(429);
    // Plain predict is its own class; beta has its own bucket and its own (higher) limit.
    expect((await call(KEYS.alpha, 'predict', { user: 'u', inputs: [s.inputs[0]] })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await call(KEYS.beta, 'adapt', { user: 'u', support: s })).status).toBe(200);
    expect((await call(KEYS.beta, 'adapt', { user: 'u', support: s })).status).toBe(429);
    // The count lives in the Durable Object, not in this app instance: a second app sees it.
    expect((await app()(KEYS.alpha, 'adapt', { user: 'u', support: s })).status).toBe(429);
    await new Promise((r) => setTimeout(r, retry * 1000 + 50));
    expect((await call(KEYS.alpha, 'adapt', { user: 'u', support: s })).status).toBe(200);
  });

  it('an invalid RATE_LIMITS is a 503 misconfigured, not a 500', async () => {
    const a = createApp({ backend: () => initWorkerdBackend(), bundles: [{ name: 'tiny', bytes: async () => tiny }], rateLimiter: () => durableRateLimiter(env.TENANT_LIMITS) });
    const res = await a.request('http://api.test/v1/models/tiny/adapt', { method: 'POST', headers: { authorization: `Bearer ${KEYS.local}`, 'content-type': 'application/json' }, body: '{}' }, { ...env, RATE_LIMITS: '{"default":{"adapt":{"limit":0,"period":1}}}' });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string; detail: string }).detail).toContain('RATE_LIMITS.default.adapt.limit');
  });
});
