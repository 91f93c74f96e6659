import { describe, expect, it } from 'vitest';
import { KEYS, makeApp, support } from './harness';

describe('tenant isolation', () => {
  it('no tenant can read, use or delete another tenant’s heads, even knowing the headId', async () => {
    const { call } = makeApp();
    const s = support(2, 3, 42);
    const a = (await (await call('POST', '/v1/models/tiny/adapt', { key: KEYS.alpha, body: { user: 'shared-name', support: s } })).json()) as { headId: string };

    const byId = await call('POST', '/v1/models/tiny/predict', { key: KEYS.beta, body: { headId: a.headId, inputs: [s.inputs[0]] } });
    expect(byId.status).toBe(404);
    const byUser = await call('POST', '/v1/models/tiny/predict', { key: KEYS.beta, body: { user: 'shared-name', inputs: [s.inputs[0]] } });
    expect(byUser.status).toBe(404);

    expect((await call('DELETE', '/v1/models/tiny/users/shared-name', { key: KEYS.beta })).status).toBe(204);
    const still = await call('POST', '/v1/models/tiny/predict', { key: KEYS.alpha, body: { user: 'shared-name', inputs: [s.inputs[0]] } });
    expect(still.status).toBe(200);
    expect(((await still.json()) as { headId: string }).headId).toBe(a.headId);
  });

  it('a user id cannot forge another key prefix', async () => {
    const { call } = makeApp();
    const s = support(2, 2, 43);
    await call('POST', '/v1/models/tiny/adapt', { key: KEYS.alpha, body: { user: 'victim', support: s } });
    const forged = await call('POST', '/v1/models/tiny/predict', { key: KEYS.beta, body: { user: 'x:alpha:tiny:victim', inputs: [s.inputs[0]] } });
    expect(forged.status).toBe(404);
  });

  it('deleting a user removes their heads and pointer', async () => {
    const { call } = makeApp();
    const s1 = support(2, 2, 50);
    const s2 = support(2, 2, 51);
    const h1 = (await (await call('POST', '/v1/models/tiny/adapt', { body: { user: 'leaver', support: s1 } })).json()) as { headId: string };
    await call('POST', '/v1/models/tiny/adapt', { body: { user: 'leaver', support: s2 } });
    expect((await call('DELETE', '/v1/models/tiny/users/leaver')).status).toBe(204);
    expect((await call('POST', '/v1/models/tiny/predict', { body: { user: 'leaver', inputs: [s1.inputs[0]] } })).status).toBe(404);
    expect((await call('POST', '/v1/models/tiny/predict', { body: { headId: h1.headId, inputs: [s1.inputs[0]] } })).status).toBe(404);
  });
});
