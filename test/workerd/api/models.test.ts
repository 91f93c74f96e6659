import { describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';
import { makeApp } from './harness';

describe('models and health', () => {
  it('/healthz reports the live wasm backend and each bundle, a bad one with its reason', async () => {
    const { call } = makeApp();
    const res = await call('GET', '/healthz', { key: null });
    expect(res.status).toBe(503);
    const h = (await res.json()) as { ok: boolean; backend: string; simd: boolean; models: { name: string; status: string; error?: string }[] };
    expect(h).toMatchObject({ ok: false, backend: 'wasm', simd: true });
    expect(h.models.find((m) => m.name === 'tiny')?.status).toBe('ready');
    expect(h.models.find((m) => m.name === 'broken')).toMatchObject({ status: 'error' });
    expect(h.models.find((m) => m.name === 'broken')?.error).toMatch(/checksum|corrupt|mismatch/i);
  });

  it('lists models with metadata a caller needs', async () => {
    const { call } = makeApp();
    const list = (await (await call('GET', '/v1/models')).json()) as { models: { name: string; status: string }[] };
    expect(list.models.map((m) => m.name)).toEqual(['tiny', 'tiny-sine', 'broken']);
    const one = (await (await call('GET', '/v1/models/tiny')).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ name: 'tiny', status: 'ready', task: 'classification', inputShape: [16], inputLength: 16, classes: 'any' });
    expect(one.defaults).toMatchObject({ headInit: 'prototype', scope: 'head' });
    expect((one.sizes as { parameters: number }).parameters).toBeGreaterThan(0);
    const sine = (await (await call('GET', '/v1/models/tiny-sine')).json()) as Record<string, unknown>;
    expect(sine).toMatchObject({ task: 'regression', inputShape: [1] });
  });

  it('the deployed worker (embedded default bundle) is healthy on wasm with SIMD', async () => {
    const res = await exports.default.fetch(new Request('http://x/healthz'));
    const h = (await res.json()) as { ok: boolean; backend: string; simd: boolean; models: { name: string; status: string }[] };
    expect(res.status).toBe(200);
    expect(h).toMatchObject({ ok: true, backend: 'wasm', simd: true });
    expect(h.models[0]).toMatchObject({ name: 'glyphs', status: 'ready' });
  });
});
