import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../../../worker/rate-limit/gcra';
import { DEFAULT_RATE_LIMITS, parseRateLimits, ruleFor } from '../../../worker/rate-limit/config';

describe('GCRA quotas (in-process limiter)', () => {
  it('admits a burst of `limit`, then one per period/limit, with an exact retry-after', async () => {
    let now = 1_000_000;
    const l = new MemoryRateLimiter(() => now);
    const rule = { limit: 3, periodSeconds: 30 };
    for (let i = 0; i < 3; i++) expect((await l.take('t', 'adapt', rule)).ok).toBe(true);
    expect(await l.take('t', 'adapt', rule)).toEqual({ ok: false, retryAfterSeconds: 10 });
    now += 9_000;
    expect(await l.take('t', 'adapt', rule)).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 1_000;
    expect((await l.take('t', 'adapt', rule)).ok).toBe(true);
    expect((await l.take('t', 'adapt', rule)).ok).toBe(false);
    // Other tenants and classes have buckets of their own.
    expect((await l.take('u', 'adapt', rule)).ok).toBe(true);
    expect((await l.take('t', 'predict', rule)).ok).toBe(true);
  });

  it('forgets buckets that are full again, so memory stays bounded', async () => {
    let now = 0;
    const l = new MemoryRateLimiter(() => now);
    for (let i = 0; i < 1000; i++) await l.take(`tenant-${i}`, 'adapt', { limit: 10, periodSeconds: 1 });
    expect(l.size).toBe(1000);
    now += 2_000;
    for (let i = 0; i < 24; i++) await l.take('late', 'adapt', { limit: 100, periodSeconds: 1 });
    expect(l.size).toBe(1);
  });
});

describe('RATE_LIMITS', () => {
  it('defaults, per-tenant overrides class by class, null = unlimited, "off"', () => {
    const t = parseRateLimits(JSON.stringify({ default: { predict: { limit: 10, period: 1 } }, tenants: { big: { adapt: { limit: 999, period: 60 }, upload: null } } }));
    expect(ruleFor(t, 'small', 'adapt')).toEqual(DEFAULT_RATE_LIMITS.adapt);
    expect(ruleFor(t, 'small', 'predict')).toEqual({ limit: 10, periodSeconds: 1 });
    expect(ruleFor(t, 'big', 'adapt')).toEqual({ limit: 999, periodSeconds: 60 });
    expect(ruleFor(t, 'big', 'predict')).toEqual({ limit: 10, periodSeconds: 1 });
    expect(ruleFor(t, 'big', 'upload')).toBeNull();
    expect(ruleFor(parseRateLimits(undefined), 'x', 'upload')).toEqual(DEFAULT_RATE_LIMITS.upload);
    expect(ruleFor(parseRateLimits('off'), 'x', 'adapt')).toBeNull();
  });

  it('rejects what it cannot mean, naming the field', () => {
    expect(() => parseRateLimits('{')).toThrow('not JSON');
    expect(() => parseRateLimits('{"default":{"adapt":{"limit":-1,"period":1}}}')).toThrow('RATE_LIMITS.default.adapt.limit');
    expect(() => parseRateLimits('{"default":{"train":{"limit":1,"period":1}}}')).toThrow(/RATE_LIMITS\.default/);
    expect(() => parseRateLimits('{"tenants":{"a b":{}}}')).toThrow('RATE_LIMITS.tenants');
    expect(() => parseRateLimits('{"default":{"adapt":{"limit":1,"period":1,"burst":4}}}')).toThrow(/RATE_LIMITS/);
  });
});
