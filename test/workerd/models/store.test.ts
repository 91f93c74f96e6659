import { describe, expect, it } from 'vitest';
import { addVersion, emptyManifest, MANIFEST_KEY, serializeManifest } from '../../../src/store/manifest';
import { publish, removeModelFromStore, rollbackModel } from '../../../src/store/store-ops';
import { readBundleHeader } from '../../../src/bundle/index';
import { support } from '../api/harness';
import { settle, storeApp, TestBucket } from './store-harness';
import tiny from '../../fixtures/tiny.fsb';
import tinyInt8 from '../../fixtures/tiny-int8.fsb';
import tinySine from '../../fixtures/tiny-sine.fsb';

type Info = { name: string; status: string; source: string; version?: number; id?: string; task?: string; error?: string };
type Problem = { code: string; detail: string };
const idOf = async (b: ArrayBuffer) => (await readBundleHeader(new Uint8Array(b))).id;
const short = async (b: ArrayBuffer) => (await idOf(b)).slice(0, 12);

/** Polls until the model answers with `version` (background loads finish between requests). */
async function until(call: ReturnType<typeof storeApp>['call'], name: string, version: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await call<Info>('GET', `/v1/models/${name}`)).json.version === version) return;
    await settle(2);
  }
  throw new Error(`${name} never reached version ${version}`);
}

describe('the model store in the worker', () => {
  it('an empty store serves the embedded models; a published one is loaded on first use and listed with its source and version', async () => {
    const { call, bucket } = storeApp();
    expect((await call<Problem>('GET', '/v1/models/pets')).json.code).toBe('model_not_found');
    await publish(bucket, new Uint8Array(tiny), 'pets', { note: 'cats and dogs' });
    const one = await call<Info & { note: string }>('GET', '/v1/models/pets');
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ name: 'pets', status: 'ready', source: 'store', version: 1, note: 'cats and dogs', id: await idOf(tiny), task: 'classification' });
    const list = await call<{ models: Info[] }>('GET', '/v1/models');
    expect(list.json.models.map((m) => [m.name, m.source, m.version])).toEqual([['tiny', 'embedded', undefined], ['tiny-sine', 'embedded', undefined], ['pets', 'store', 1]]);
    const s = support(3, 3, 4);
    const a = await call<{ modelVersion: string }>('POST', '/v1/models/pets/adapt', { user: 'ann', support: s });
    expect(a.status).toBe(200);
    expect(a.json.modelVersion).toBe(await short(tiny));
    const p = await call<{ predictions: { label: string }[] }>('POST', '/v1/models/pets/predict', { user: 'ann', inputs: [s.inputs[0]] });
    expect(p.json.predictions[0]!.label).toBe(s.labels[0]);
  });

  it('keeps serving the old version while the new bundle loads, then switches; rollback switches back', async () => {
    const { call, bucket } = storeApp();
    await publish(bucket, new Uint8Array(tiny), 'pets');
    const s = support(2, 2, 9);
    expect((await call<{ modelVersion: string }>('POST', '/v1/models/pets/adapt', { user: 'u', support: s })).json.modelVersion).toBe(await short(tiny));
    const v2 = await publish(bucket, new Uint8Array(tinyInt8), 'pets');
    const release = bucket.hold(v2.version.key);
    // The manifest now says v2, but its bundle is still on its way: v1 answers, nobody waits.
    expect((await call<Info>('GET', '/v1/models/pets')).json.version).toBe(1);
    expect((await call<{ modelVersion: string }>('POST', '/v1/models/pets/adapt', { user: 'u', support: s })).json.modelVersion).toBe(await short(tiny));
    expect(bucket.gets).toContain(v2.version.key);
    release();
    await until(call, 'pets', 2);
    expect((await call<{ modelVersion: string }>('POST', '/v1/models/pets/adapt', { user: 'u', support: s })).json.modelVersion).toBe(await short(tinyInt8));
    await rollbackModel(bucket, 'pets');
    // The replaced model is still held by the isolate: the rollback needs no download.
    const gets = bucket.gets.length;
    expect((await call<Info>('GET', '/v1/models/pets')).json).toMatchObject({ version: 1, id: await idOf(tiny) });
    expect(bucket.gets.slice(gets)).toEqual([MANIFEST_KEY]);
  });

  it('re-reads the manifest at most every MODELS_REFRESH_SECONDS', async () => {
    const { call, bucket } = storeApp(new TestBucket(), '30');
    await publish(bucket, new Uint8Array(tiny), 'pets');
    expect((await call<Info>('GET', '/v1/models/pets')).json.version).toBe(1);
    await publish(bucket, new Uint8Array(tinyInt8), 'pets');
    const reads = bucket.gets.filter((k) => k === MANIFEST_KEY).length;
    expect((await call<Info>('GET', '/v1/models/pets')).json.version).toBe(1);
    expect(bucket.gets.filter((k) => k === MANIFEST_KEY).length).toBe(reads);
  });

  it('a head adapted with a replaced bundle is refused with head_stale, re-adapted when support is sent, valid again after a rollback', async () => {
    const { call, bucket } = storeApp();
    await publish(bucket, new Uint8Array(tiny), 'pets');
    const s = support(3, 2, 17);
    const h1 = (await call<{ headId: string }>('POST', '/v1/models/pets/adapt', { user: 'bo', support: s })).json.headId;
    await publish(bucket, new Uint8Array(tinyInt8), 'pets');
    await call('GET', '/v1/models/pets');
    await until(call, 'pets', 2);
    for (const body of [{ user: 'bo', inputs: [s.inputs[0]] }, { headId: h1, inputs: [s.inputs[0]] }]) {
      const r = await call<Problem>('POST', '/v1/models/pets/predict', body);
      expect(r.status).toBe(409);
      expect(r.json.code).toBe('head_stale');
      expect(r.json.detail).toContain((await idOf(tiny)).slice(0, 12));
    }
    expect((await call<Problem>('GET', `/v1/models/pets/heads/${h1}`)).json.code).toBe('head_stale');
    const re = await call<{ adapted: boolean; modelVersion: string; headId: string; predictions: { label: string }[] }>('POST', '/v1/models/pets/predict', { user: 'bo', inputs: [s.inputs[0]], support: s });
    expect(re.status).toBe(200);
    expect(re.json).toMatchObject({ adapted: true, modelVersion: await short(tinyInt8) });
    expect(re.json.headId).not.toBe(h1);
    expect(re.json.predictions[0]!.label).toBe(s.labels[0]);
    await rollbackModel(bucket, 'pets');
    expect((await call('POST', '/v1/models/pets/predict', { headId: h1, inputs: [s.inputs[0]] })).status).toBe(200);
  });

  it('a corrupt, missing or mismatched bundle is a 503 for that model only; every other model keeps serving', async () => {
    const { call, bucket } = storeApp();
    await publish(bucket, new Uint8Array(tiny), 'pets');
    const waves = await publish(bucket, new Uint8Array(tinySine), 'waves');
    const rotten = new Uint8Array(tinySine.slice(0));
    rotten[rotten.length - 50]! ^= 0x01;
    await bucket.put(waves.version.key, rotten);
    // Hand-made manifest entries: one names a bundle that is not there, one a key holding other bytes.
    const m = JSON.parse(await (await bucket.get(MANIFEST_KEY))!.text());
    let next = addVersion({ ...emptyManifest(), models: m.models }, 'ghost', { bundleId: 'e'.repeat(64), size: 100 }).manifest;
    next = addVersion(next, 'liar', { bundleId: 'f'.repeat(64), size: tiny.byteLength }).manifest;
    await bucket.put(MANIFEST_KEY, serializeManifest(next));
    await bucket.put(`bundles/${'f'.repeat(64)}.fsb`, new Uint8Array(tiny));
    const xs = [[0], [1]];
    for (const [name, reason] of [['waves', /checksum/i], ['ghost', /not found/], ['liar', /not the manifest's/]] as const) {
      const r = await call<Problem>('POST', `/v1/models/${name}/adapt`, { user: 'x', support: { inputs: xs, labels: [0, 1] } });
      expect(r.status, name).toBe(503);
      expect(r.json.code).toBe('model_unavailable');
      expect(r.json.detail).toMatch(reason);
    }
    const s = support(2, 2, 3);
    expect((await call('POST', '/v1/models/pets/adapt', { user: 'x', support: s })).status).toBe(200);
    expect((await call('POST', '/v1/models/tiny/adapt', { user: 'x', support: s })).status).toBe(200);
    const list = await call<{ models: Info[] }>('GET', '/v1/models');
    expect(Object.fromEntries(list.json.models.map((x) => [x.name, x.status]))).toEqual({ tiny: 'ready', 'tiny-sine': 'ready', pets: 'ready', waves: 'error', ghost: 'error', liar: 'error' });
  });

  it('a stored model shadows the embedded one of the same name until it is removed', async () => {
    const { call, bucket } = storeApp();
    await publish(bucket, new Uint8Array(tinySine), 'tiny');
    expect((await call<Info>('GET', '/v1/models/tiny')).json).toMatchObject({ source: 'store', task: 'regression' });
    expect((await call<{ models: Info[] }>('GET', '/v1/models')).json.models.map((m) => m.name)).toEqual(['tiny', 'tiny-sine']);
    await removeModelFromStore(bucket, 'tiny');
    expect((await call<Info>('GET', '/v1/models/tiny')).json).toMatchObject({ source: 'embedded', task: 'classification' });
  });

  it('an unreadable store or manifest leaves the embedded models serving; other names are 503 store_unavailable', async () => {
    const { call, bucket } = storeApp();
    for (const broken of ['outage', 'manifest'] as const) {
      if (broken === 'outage') bucket.failReads = true;
      else {
        bucket.failReads = false;
        await bucket.put(MANIFEST_KEY, '{"format": "fewshot-models/1", "models": {');
      }
      expect((await call<Info>('GET', '/v1/models/tiny')).json).toMatchObject({ status: 'ready', source: 'embedded' });
      const r = await call<Problem>('POST', '/v1/models/pets/adapt', { user: 'x', support: support(2, 2, 1) });
      expect(r.status, broken).toBe(503);
      expect(r.json.code).toBe('store_unavailable');
    }
  });

  it('a store that was read once keeps its models serving through an outage', async () => {
    const { call, bucket } = storeApp();
    await publish(bucket, new Uint8Array(tiny), 'pets');
    expect((await call('GET', '/v1/models/pets')).status).toBe(200);
    bucket.failReads = true;
    expect((await call('POST', '/v1/models/pets/adapt', { user: 'x', support: support(2, 2, 2) })).status).toBe(200);
  });
});
