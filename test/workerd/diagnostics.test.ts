import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app';
import { initWorkerdBackend } from '../../wasm/workerd';
import { FaultyKv } from '../../worker/heads/faulty-kv';
import tiny from '../fixtures/tiny.fsb';
import tinySine from '../fixtures/tiny-sine.fsb';
import { KEYS, support, testEnv } from './fuzz/harness';
import type { KvLike } from '../../worker/heads/kv-like';
import type { Bindings } from '../../worker/types';

const withDiagnostics: Bindings = Object.create(testEnv, { DIAGNOSTICS: { value: '1', enumerable: true } });

function app() {
  const kv = new FaultyKv(testEnv.HEADS as unknown as KvLike);
  return createApp({
    backend: () => initWorkerdBackend(),
    kv: () => kv,
    bundles: [
      { name: 'tiny', bytes: async () => tiny },
      { name: 'tiny-sine', bytes: async () => tinySine },
    ],
  });
}

const get = (a: ReturnType<typeof app>, env: Bindings, key: string | null = KEYS.gamma) =>
  a.request('http://api.test/v1/diagnostics', { headers: key ? { authorization: `Bearer ${key}` } : {} }, env);

describe('GET /v1/diagnostics (soak instrumentation)', () => {
  it('is a 404 unless DIAGNOSTICS="1", needs the bearer key, and stays out of the OpenAPI document', async () => {
    const a = app();
    expect((await get(a, testEnv)).status).toBe(404);
    expect((await get(a, withDiagnostics, null)).status).toBe(401);
    const ok = await get(a, withDiagnostics);
    expect(ok.status).toBe(200);
    const d = (await ok.json()) as Record<string, number | string | null>;
    expect(d.backend).toBe('wasm');
    expect(d.numTensors).toBeGreaterThanOrEqual(0);
    expect(d.wasmHeapBytes as number).toBeGreaterThan(1 << 20);
    const doc = (await (await a.request('http://api.test/openapi.json', {}, testEnv)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).some((p) => p.includes('diagnostics'))).toBe(false);
  });

  it('102 adapt/predict requests after warm-up, on both models, leave numTensors and the wasm heap where they were', async () => {
    const a = app();
    const call = (path: string, body: unknown) =>
      a.request(`http://api.test${path}`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.gamma}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }, withDiagnostics);
    const round = async (i: number) => {
      const s = support(2 + (i % 3), 2, 5_000 + i);
      const r1 = await call('/v1/models/tiny/adapt', { user: `diag-${i % 7}`, support: { inputs: s.inputs, labels: s.labels } });
      const r2 = await call('/v1/models/tiny/predict', { user: `diag-${i % 7}`, inputs: s.centres });
      const xs = [-2, -1, 0, 1, 2].map((x) => [x + (i % 10) / 10]);
      const r3 = await call('/v1/models/tiny-sine/predict', { support: { inputs: xs, labels: xs.map(([x]) => Math.sin(x!)) }, inputs: [[0.5]] });
      for (const r of [r1, r2, r3]) expect(r.status).toBe(200);
    };
    for (let i = 0; i < 10; i++) await round(i); // warm-up: models uploaded, heap grown to these sizes
    const before = (await (await get(a, withDiagnostics)).json()) as { numTensors: number; wasmHeapBytes: number };
    for (let i = 10; i < 44; i++) await round(i);
    const after = (await (await get(a, withDiagnostics)).json()) as { numTensors: number; wasmHeapBytes: number };
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.wasmHeapBytes).toBe(before.wasmHeapBytes);
  });
});
