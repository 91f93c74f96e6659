import { describe, expect, it } from 'vitest';
import { createApp } from '../../../worker/app';
import { MemoryRateLimiter } from '../../../worker/rate-limit/gcra';

// The app in-process with the limiter `fewshot serve` uses; no model is ever loaded (every request
// here is refused before the engine), so no backend is needed.
const API_KEYS = JSON.stringify({ ed5a18fb8f807f996d649e379d3f35f39c543a91bdbf88c492f2ebd10d4df86c: 'local' });
const RATE_LIMITS = JSON.stringify({ default: { adapt: { limit: 1, period: 60 }, predict: { limit: 2, period: 60 }, upload: { limit: 1, period: 60 } } });

function app() {
  const a = createApp({ backend: () => Promise.reject(new Error('not needed')), bundles: [], rateLimiter: () => limiter });
  const limiter = new MemoryRateLimiter();
  return async (method: string, path: string, body?: string, type = 'application/json', key = 'local-dev-key') => {
    const res = await a.request(`http://t${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': type }, body }, { API_KEYS, RATE_LIMITS });
    return { status: res.status, code: res.status >= 400 ? ((await res.json()) as { code: string }).code : undefined, retry: res.headers.get('retry-after') };
  };
}

describe('rate-limit middleware: which requests count, and as what', () => {
  it('uploads count as upload; predict with support as adapt; plain predict as predict; reads and deletes not at all', async () => {
    const call = app();
    expect((await call('POST', '/v1/models/m/heads', 'x', 'text/plain')).code).toBe('unsupported_media_type');
    expect(await call('POST', '/v1/models/m/heads', 'x', 'text/plain')).toMatchObject({ status: 429, code: 'rate_limited', retry: '60' });
    // Counted even when the request is then refused: the quota bounds work, not successes.
    expect((await call('POST', '/v1/models/m/predict', '{"support":{"inputs":[],"labels":[]},"inputs":[]}')).code).not.toBe('rate_limited');
    expect((await call('POST', '/v1/models/m/adapt', '{}')).code).toBe('rate_limited');
    expect((await call('POST', '/v1/models/m/predict', '{"inputs":[]}')).code).not.toBe('rate_limited');
    expect((await call('POST', '/v1/models/m/predict', '{"inputs":[]}')).code).not.toBe('rate_limited');
    expect((await call('POST', '/v1/models/m/predict', '{"inputs":[]}')).code).toBe('rate_limited');
    // Not JSON: counted as a predict (and then answered invalid_json by the route, had it quota left).
    expect((await call('POST', '/v1/models/m/predict', '{"inputs":')).code).toBe('rate_limited');
    for (let i = 0; i < 5; i++) {
      expect((await call('GET', '/v1/models/m')).code).toBe('model_not_found');
      expect((await call('DELETE', '/v1/models/m/users/u')).code).toBe('model_not_found');
    }
  });

  it("adding and removing stored examples count as adapts (they re-adapt); listing them does not count", async () => {
    const call = app();
    expect((await call('POST', '/v1/models/m/users/u/examples', '{}')).code).not.toBe('rate_limited');
    expect((await call('DELETE', '/v1/models/m/users/u/examples?label=a')).code).toBe('rate_limited');
    expect((await call('DELETE', '/v1/models/m/users/u/examples/0badc0de-1')).code).toBe('rate_limited');
    expect((await call('POST', '/v1/models/m/adapt', '{}')).code).toBe('rate_limited');
    for (let i = 0; i < 3; i++) expect((await call('GET', '/v1/models/m/users/u/examples')).code).not.toBe('rate_limited');
  });

  it('unauthenticated requests are refused before they are counted', async () => {
    const call = app();
    for (let i = 0; i < 3; i++) expect((await call('POST', '/v1/models/m/adapt', '{}', 'application/json', 'wrong-key')).code).toBe('unauthorized');
    expect((await call('POST', '/v1/models/m/adapt', '{}')).code).not.toBe('rate_limited');
    expect((await call('POST', '/v1/models/m/adapt', '{}')).code).toBe('rate_limited');
  });
});
