import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import glyphs from '../../../bundles/glyphs.fsb';
import cliHead from '../../fixtures/cli-head/glyphs.fshd';
import cliPredictions from '../../fixtures/cli-head/glyphs-predict.json';
import fixtureInputs from '../../fixtures/cli-head/inputs.json';
import glyphsAdapt from '../../../examples/glyphs-adapt.json';
import { createApp } from '../../../worker/app';
import { initWorkerdBackend } from '../../../wasm/workerd';
import { CountingKv, KEYS } from './harness';

interface Classified {
  label: string | number | null;
  scores: Record<string, number>;
}

/** The worker with the shipped glyphs bundle, over real workerd KV. */
function glyphsApp() {
  const kv = new CountingKv(env.HEADS);
  const app = createApp({ backend: () => initWorkerdBackend(), kv: () => kv, bundles: [{ name: 'glyphs', bytes: async () => glyphs }] });
  const call = (method: string, path: string, body?: Uint8Array | object) => {
    const headers: Record<string, string> = { authorization: `Bearer ${KEYS.local}` };
    if (body) headers['content-type'] = body instanceof Uint8Array ? 'application/octet-stream' : 'application/json';
    return app.request(`http://api.test${path}`, { method, headers, body: body instanceof Uint8Array ? body : body ? JSON.stringify(body) : undefined }, env);
  };
  return { kv, call };
}

function expectSamePredictions(got: Classified[], want: Classified[]): void {
  expect(got.map((p) => p.label)).toEqual(want.map((p) => p.label));
  got.forEach((p, i) => {
    expect(Object.keys(p.scores)).toEqual(Object.keys(want[i]!.scores));
    for (const [k, v] of Object.entries(want[i]!.scores)) expect(Math.abs(p.scores[k]! - v), `${i} ${k}`).toBeLessThan(1e-5);
  });
}

describe('a head made by the CLI (fewshot adapt --out glyphs.fshd) in the worker', () => {
  it('uploads, downloads byte-identical, and predicts what the CLI predicted', async () => {
    const { call } = glyphsApp();
    const bytes = new Uint8Array(cliHead);
    const up = await call('POST', '/v1/models/glyphs/heads?user=cli-user', bytes);
    expect(up.status).toBe(200);
    const u = (await up.json()) as { headId: string; labels: string[] };
    // The CLI's predict prints the head file's SHA-256 as its id: the id the worker gives it.
    expect(u.headId).toBe(cliPredictions.headId);
    expect(u.labels).toEqual(['ᛘ', 'Ꮌ', 'ល']);
    const down = await call('GET', `/v1/models/glyphs/heads/${u.headId}`);
    expect(down.status).toBe(200);
    expect(new Uint8Array(await down.arrayBuffer())).toEqual(bytes);
    const byId = (await (await call('POST', '/v1/models/glyphs/predict', { headId: u.headId, inputs: fixtureInputs.inputs })).json()) as { headId: string; predictions: Classified[] };
    expect(byId.headId).toBe(u.headId);
    expectSamePredictions(byId.predictions, cliPredictions.predictions);
    const byUser = (await (await call('POST', '/v1/models/glyphs/predict', { user: 'cli-user', inputs: fixtureInputs.inputs })).json()) as { predictions: Classified[] };
    expectSamePredictions(byUser.predictions, cliPredictions.predictions);
  });

  it('is the head the worker adapts itself from the same request: bit-identical (scope late: the last block weights and the prototype head)', async () => {
    const { call } = glyphsApp();
    const a = await call('POST', '/v1/models/glyphs/adapt', { ...glyphsAdapt, user: 'worker-user' });
    expect(a.status).toBe(200);
    const { headId } = (await a.json()) as { headId: string };
    const down = await call('GET', `/v1/models/glyphs/heads/${headId}`);
    expect(down.status).toBe(200);
    // Adapted in workerd here, by `fewshot adapt` in Node for the fixture: the same bytes.
    expect(new Uint8Array(await down.arrayBuffer())).toEqual(new Uint8Array(cliHead));
  });
});
