import { describe, expect, it } from 'vitest';
import { createClient } from '../../../worker/client';
import { KEYS, makeApp, support } from './harness';

describe('OpenAPI document and typed client', () => {
  it('lists every route of the contract with its methods and schemas', async () => {
    const { call } = makeApp();
    const res = await call('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toMatch(/^3\.1/);
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes.sort()).toEqual(
      [
        'GET /healthz',
        'GET /v1/models',
        'GET /v1/models/{model}',
        'POST /v1/models/{model}/adapt',
        'POST /v1/models/{model}/predict',
        'DELETE /v1/models/{model}/users/{user}',
        'POST /v1/models/{model}/heads',
        'GET /v1/models/{model}/heads/{headId}',
      ].sort(),
    );
    for (const name of ['AdaptRequest', 'AdaptResponse', 'PredictRequest', 'PredictResponse', 'Problem', 'ModelInfo', 'Health']) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        if (p.startsWith('/v1')) expect(Object.keys(op.responses)).toContain('401');
      }
    }
    const docs = await call('GET', '/docs', { key: null });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/openapi.json');
  });

  it('the typed hono/client performs an adapt → predict round trip', async () => {
    const { app } = makeApp();
    const { env } = await import('cloudflare:workers');
    const client = createClient('http://api.test', KEYS.local, { fetch: ((input: RequestInfo | URL, init?: RequestInit) => app.request(input instanceof Request ? input : String(input), init, env)) as typeof fetch });
    const s = support(2, 3, 77, ['yes', 'no']);
    const adapted = await client.v1.models[':model'].adapt.$post({ param: { model: 'tiny' }, json: { user: 'typed', support: s } });
    expect(adapted.status).toBe(200);
    if (adapted.status !== 200) return;
    const a = await adapted.json();
    const predicted = await client.v1.models[':model'].predict.$post({ param: { model: 'tiny' }, json: { headId: a.headId, inputs: [s.inputs[0]!] } });
    expect(predicted.status).toBe(200);
    if (predicted.status !== 200) return;
    const p = await predicted.json();
    expect(p.predictions[0]).toMatchObject({ label: 'yes' });
  });
});
