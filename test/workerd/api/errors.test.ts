import { describe, expect, it } from 'vitest';
import { makeApp, support } from './harness';

type Case = { name: string; method?: string; path?: string; body?: unknown; raw?: string; key?: string | null; status: number; code: string; headers?: Record<string, string> };

const s = support(2, 2, 3);
const big = Array.from({ length: 51 }, (_, i) => i);
const cases: Case[] = [
  { name: 'missing auth', key: null, body: { user: 'u', support: s }, status: 401, code: 'unauthorized' },
  { name: 'unknown key', key: 'nope', body: { user: 'u', support: s }, status: 401, code: 'unauthorized' },
  { name: 'malformed JSON', raw: '{"user": "u", "support": ', status: 400, code: 'invalid_json' },
  { name: 'NaN is not JSON', raw: '{"user":"u","support":{"inputs":[[NaN]],"labels":["a"]}}', status: 400, code: 'invalid_json' },
  { name: 'wrong types', body: { user: 5, support: s }, status: 400, code: 'invalid_request' },
  { name: 'missing support', body: { user: 'u' }, status: 400, code: 'invalid_request' },
  { name: 'empty user', body: { user: '', support: s }, status: 400, code: 'invalid_request' },
  { name: 'control chars in user', body: { user: 'a\u0000b', support: s }, status: 400, code: 'invalid_request' },
  { name: 'wrong input length', body: { user: 'u', support: { inputs: [[1, 2, 3], [1, 2, 3]], labels: ['a', 'b'] } }, status: 422, code: 'input_length' },
  { name: 'Infinity (1e999)', raw: JSON.stringify({ user: 'u', support: s }).replace(/\[(-?[0-9.e-]+),/, '[1e999,'), status: 422, code: 'non_finite' },
  { name: 'labels ≠ inputs', body: { user: 'u', support: { inputs: s.inputs, labels: ['a'] } }, status: 422, code: 'label_count_mismatch' },
  { name: 'mixed label kinds', body: { user: 'u', support: { inputs: s.inputs, labels: ['a', 1, 'a', 1] } }, status: 422, code: 'label_kind' },
  { name: 'one class only', body: { user: 'u', support: { inputs: s.inputs.slice(0, 2), labels: ['a', 'a'] } }, status: 422, code: 'too_few_examples' },
  { name: 'too many classes', body: { user: 'u', support: { inputs: big.map(() => s.inputs[0]), labels: big } }, status: 413, code: 'too_many_classes' },
  { name: 'steps over limit', body: { user: 'u', support: s, steps: 100_000 }, status: 422, code: 'steps_out_of_range' },
  { name: 'lr over limit', body: { user: 'u', support: s, lr: 1e6 }, status: 422, code: 'lr_out_of_range' },
  { name: 'negative lr', body: { user: 'u', support: s, lr: -1 }, status: 400, code: 'invalid_request' },
  { name: 'unknown model', path: '/v1/models/nope/adapt', body: { user: 'u', support: s }, status: 404, code: 'model_not_found' },
  { name: 'bad model name', path: '/v1/models/..%2Fx/adapt', body: { user: 'u', support: s }, status: 400, code: 'invalid_path' },
  { name: 'corrupt bundle', path: '/v1/models/broken/adapt', body: { user: 'u', support: s }, status: 503, code: 'model_unavailable' },
  { name: 'predict: no head', path: '/v1/models/tiny/predict', body: { user: 'never-adapted', inputs: [s.inputs[0]] }, status: 404, code: 'head_not_found' },
  { name: 'predict: bad headId', path: '/v1/models/tiny/predict', body: { headId: '../../etc', inputs: [s.inputs[0]] }, status: 400, code: 'invalid_request' },
  { name: 'predict: nothing to find a head by', path: '/v1/models/tiny/predict', body: { inputs: [s.inputs[0]] }, status: 400, code: 'invalid_request' },
  { name: 'predict: too many inputs', path: '/v1/models/tiny/predict', body: { user: 'u', inputs: Array.from({ length: 300 }, () => s.inputs[0]) }, status: 413, code: 'too_many_inputs' },
  { name: 'unknown route', path: '/v1/nothing', method: 'GET', status: 404, code: 'not_found' },
];

describe('every bad request gets a 4xx problem+json and writes nothing', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { call, kv } = makeApp();
      const res = await call(c.method ?? 'POST', c.path ?? '/v1/models/tiny/adapt', { body: c.body, raw: c.raw, key: c.key });
      expect(res.status).toBe(c.status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const p = (await res.json()) as Record<string, unknown>;
      expect(p).toMatchObject({ status: c.status, code: c.code });
      expect(typeof p.title).toBe('string');
      expect(typeof p.detail).toBe('string');
      expect(typeof p.type).toBe('string');
      expect(kv.writes + kv.deletes).toBe(0);
    });
  }

  it('a body over the limit is refused with 413 before it is parsed', async () => {
    const { call, kv } = makeApp();
    const huge = JSON.stringify({ user: 'u', support: { inputs: Array.from({ length: 3000 }, () => Array(100).fill(0.123456)), labels: [] } });
    const res = await call('POST', '/v1/models/tiny/adapt', { raw: huge });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('body_too_large');
    expect(kv.writes).toBe(0);
  });
});
