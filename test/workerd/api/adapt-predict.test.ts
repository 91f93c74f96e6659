import { describe, expect, it } from 'vitest';
import { makeApp, support } from './harness';

describe('adapt → predict round trip (real KV)', () => {
  it('adapts, caches the head, points the user at it, and predicts the right classes', async () => {
    const { call, kv } = makeApp();
    const s = support(3, 4, 11, ['cat', 'dog', 'fish']);
    const res = await call('POST', '/v1/models/tiny/adapt', { body: { user: 'u-round-trip', support: s } });
    expect(res.status).toBe(200);
    const a = (await res.json()) as { headId: string; labels: unknown[]; cache: string; loss: { before: number; after: number }; steps: number };
    expect(a.headId).toMatch(/^[0-9a-f]{64}$/);
    expect(a.labels).toEqual(['cat', 'dog', 'fish']);
    expect(a.cache).toBe('miss');
    expect(a.loss.after).toBeLessThanOrEqual(a.loss.before);
    expect(kv.writes).toBe(3); // the head, its adapt-index entry, then the user's pointer

    const queries = s.centres.map((c) => c.map((v) => v + 0.05));
    const p = await call('POST', '/v1/models/tiny/predict', { body: { user: 'u-round-trip', inputs: queries } });
    expect(p.status).toBe(200);
    const pj = (await p.json()) as { headId: string; cache: string; predictions: { label: unknown; scores: Record<string, number> }[] };
    expect(pj.headId).toBe(a.headId);
    expect(pj.cache).toBe('hit');
    expect(pj.predictions.map((x) => x.label)).toEqual(['cat', 'dog', 'fish']);
    for (const pr of pj.predictions) expect(Object.values(pr.scores).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);

    const byId = await call('POST', '/v1/models/tiny/predict', { body: { headId: a.headId, inputs: queries.slice(0, 1) } });
    expect(((await byId.json()) as { predictions: { label: unknown }[] }).predictions[0]!.label).toBe('cat');
  });

  it('numeric labels come back as numbers', async () => {
    const { call } = makeApp();
    const s = support(2, 3, 12, [3, 9]);
    const a = (await (await call('POST', '/v1/models/tiny/adapt', { body: { user: 'u-numeric', support: s } })).json()) as { labels: unknown[] };
    expect(a.labels).toEqual([3, 9]);
    const p = (await (await call('POST', '/v1/models/tiny/predict', { body: { user: 'u-numeric', inputs: [s.centres[1]] } })).json()) as { predictions: { label: unknown }[] };
    expect(p.predictions[0]!.label).toBe(9);
  });

  it('a repeated adapt is a cache hit that writes nothing', async () => {
    const { call, kv } = makeApp();
    const body = { user: 'u-repeat', support: support(2, 3, 5) };
    const first = (await (await call('POST', '/v1/models/tiny/adapt', { body })).json()) as { headId: string; cache: string; loss: unknown };
    const writes = kv.writes;
    const second = (await (await call('POST', '/v1/models/tiny/adapt', { body })).json()) as { headId: string; cache: string; loss: unknown };
    expect(first.cache).toBe('miss');
    expect(second.cache).toBe('hit');
    expect(second.headId).toBe(first.headId);
    expect(second.loss).toEqual(first.loss);
    expect(kv.writes).toBe(writes);
  });

  it('different options give a different head id', async () => {
    const { call } = makeApp();
    const s = support(2, 3, 6);
    const a = (await (await call('POST', '/v1/models/tiny/adapt', { body: { user: 'u-opts', support: s, steps: 3 } })).json()) as { headId: string; steps: number };
    const b = (await (await call('POST', '/v1/models/tiny/adapt', { body: { user: 'u-opts', support: s, steps: 4 } })).json()) as { headId: string; steps: number };
    expect(a.steps).toBe(3);
    expect(b.steps).toBe(4);
    expect(a.headId).not.toBe(b.headId);
  });

  it('predict with support after the head is deleted from KV re-adapts inline and says so', async () => {
    const { call } = makeApp();
    const s = support(3, 2, 21);
    const a = (await (await call('POST', '/v1/models/tiny/adapt', { body: { user: 'u-evicted', support: s } })).json()) as { headId: string };
    expect((await call('DELETE', '/v1/models/tiny/users/u-evicted')).status).toBe(204);
    const miss = await call('POST', '/v1/models/tiny/predict', { body: { user: 'u-evicted', inputs: [s.inputs[0]] } });
    expect(miss.status).toBe(404);
    expect(((await miss.json()) as { code: string }).code).toBe('head_not_found');
    const re = await call('POST', '/v1/models/tiny/predict', { body: { user: 'u-evicted', inputs: [s.inputs[0]], support: s } });
    expect(re.status).toBe(200);
    const rj = (await re.json()) as { headId: string; adapted: boolean; cache: string; predictions: { label: unknown }[] };
    expect(rj).toMatchObject({ headId: a.headId, adapted: true, cache: 'miss' });
    expect(rj.predictions[0]!.label).toBe(s.labels[0]);
  });

  it('serves a regression model with all-layer (MAML) adaptation', async () => {
    const { call } = makeApp();
    const xs = [-2, -1, 0, 1, 2].map((x) => [x]);
    const labels = xs.map(([x]) => Math.sin(x!));
    const a = await call('POST', '/v1/models/tiny-sine/adapt', { body: { user: 'u-sine', support: { inputs: xs, labels } } });
    expect(a.status).toBe(200);
    const p = (await (await call('POST', '/v1/models/tiny-sine/predict', { body: { user: 'u-sine', inputs: [[0.5]] } })).json()) as { predictions: { value: number }[] };
    expect(typeof p.predictions[0]!.value).toBe('number');
    expect(Number.isFinite(p.predictions[0]!.value)).toBe(true);
  });

  it('reports timings and the cache status for operators', async () => {
    const { call } = makeApp();
    const res = await call('POST', '/v1/models/tiny/adapt', { body: { user: 'u-timing', support: support(2, 2, 8) } });
    expect(res.headers.get('server-timing')).toMatch(/adapt;dur=/);
    expect(res.headers.get('server-timing')).toMatch(/total;dur=/);
  });
});
