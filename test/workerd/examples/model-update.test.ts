import { describe, expect, it } from 'vitest';
import { publish, rollbackModel } from '../../../src/store/store-ops';
import { readBundleHeader } from '../../../src/bundle/index';
import { TestBucket, settle } from '../models/store-harness';
import { examplesApp, examplesFor } from './harness';
import tiny from '../../fixtures/tiny.fsb';
import tinyInt8 from '../../fixtures/tiny-int8.fsb';

const short = async (b: ArrayBuffer) => (await readBundleHeader(new Uint8Array(b))).id.slice(0, 12);

describe('a model update re-adapts users from their stored examples', () => {
  it('publish a new version, then predict for a user with examples: re-adapted once, 200 not 409; a user without examples still gets 409', async () => {
    const bucket = new TestBucket();
    const { call } = examplesApp({ store: bucket });
    await publish(bucket, new Uint8Array(tiny), 'pets');
    const s = examplesFor(3, 3, 41, ['cat', 'dog', 'fox']);
    const taught = await call('POST', '/v1/models/pets/users/ann/examples', { inputs: s.inputs, labels: s.labels });
    expect(taught.json).toMatchObject({ modelVersion: await short(tiny), examples: 9 });
    const adaptOnly = await call('POST', '/v1/models/pets/adapt', { user: 'bob', support: { inputs: s.inputs, labels: s.labels } });
    expect(adaptOnly.json.headId).toBe(taught.json.headId); // same model, same set: the same head

    await publish(bucket, new Uint8Array(tinyInt8), 'pets');
    for (let i = 0; i < 50 && (await call('GET', '/v1/models/pets')).json.version !== 2; i++) await settle(2);

    const first = await call('POST', '/v1/models/pets/predict', { user: 'ann', inputs: s.centres });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ readapted: true, adapted: true, modelVersion: await short(tinyInt8) });
    expect(first.json.headId).not.toBe(taught.json.headId);
    expect((first.json.predictions as { label: string }[]).map((p) => p.label)).toEqual(['cat', 'dog', 'fox']);
    const second = await call('POST', '/v1/models/pets/predict', { user: 'ann', inputs: s.centres });
    expect(second.json).toMatchObject({ headId: first.json.headId, readapted: false, adapted: false, cache: 'hit' });
    expect((await call('GET', '/v1/models/pets/users/ann/examples')).json).toMatchObject({ headId: first.json.headId, readapts: 1, readapted: false });

    // bob adapted through /adapt: nothing stored, so his head is stale as before.
    const bob = await call('POST', '/v1/models/pets/predict', { user: 'bob', inputs: s.centres });
    expect([bob.status, bob.json.code]).toEqual([409, 'head_stale']);

    // Rolling back is another model change: ann's next examples call points her back at her v1 head, still in KV (no inner loop).
    await rollbackModel(bucket, 'pets');
    for (let i = 0; i < 50 && (await call('GET', '/v1/models/pets')).json.version !== 1; i++) await settle(2);
    const back = await call('GET', '/v1/models/pets/users/ann/examples');
    expect(back.json).toMatchObject({ headId: taught.json.headId, adapted: false, readapted: false, readapts: 1, modelVersion: await short(tiny) });
    expect((await call('POST', '/v1/models/pets/predict', { user: 'ann', inputs: s.centres })).json).toMatchObject({ headId: taught.json.headId, cache: 'hit' });
    expect((await call('POST', '/v1/models/pets/predict', { user: 'bob', inputs: s.centres })).status).toBe(200);
  });
});
