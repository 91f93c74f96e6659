import { describe, expect, it } from 'vitest';
import tiny from '../../fixtures/tiny.fsb';
import { decodeBundle } from '../../../src/bundle/index';
import { adapt, createModel, predict } from '../../../src/engine/index';
import { decodeHead, encodeHead } from '../../../src/head/codec';
import { initWorkerdBackend } from '../../../wasm/workerd';
import { KEYS, makeApp, support } from './harness';

async function deviceHead(seed: number, labels: string[]) {
  await initWorkerdBackend();
  const model = createModel(await decodeBundle(new Uint8Array(tiny.slice(0))));
  const s = support(labels.length, 3, seed, labels);
  const { head } = adapt(model, s);
  const bytes = await encodeHead(head);
  const local = predict(model, head, s.centres);
  model.dispose();
  return { bytes, local, s };
}

const upload = (call: ReturnType<typeof makeApp>['call'], bytes: Uint8Array, query = '', key?: string) =>
  call('POST', `/v1/models/tiny/heads${query}`, { bytes, key, headers: { 'content-type': 'application/octet-stream' } });

describe('heads cross devices: upload a phone-made head, download a worker-made one', () => {
  it('an uploaded head predicts exactly as it did on the device, by headId and by user', async () => {
    const { call, kv } = makeApp();
    const { bytes, local, s } = await deviceHead(91, ['up', 'down', 'left']);
    const res = await upload(call, bytes, '?user=phone-user');
    expect(res.status).toBe(200);
    const u = (await res.json()) as { headId: string; labels: string[]; cache: string };
    expect(u).toMatchObject({ labels: ['up', 'down', 'left'], cache: 'miss' });
    const byId = (await (await call('POST', '/v1/models/tiny/predict', { body: { headId: u.headId, inputs: s.centres } })).json()) as { predictions: { label: string; scores: Record<string, number> }[] };
    expect(byId.predictions.map((p) => p.label)).toEqual(local.map((p) => (p as { label: string }).label));
    byId.predictions.forEach((p, i) => {
      for (const [k, v] of Object.entries(p.scores)) expect(v).toBeCloseTo((local[i] as { scores: Record<string, number> }).scores[k]!, 6);
    });
    const byUser = await call('POST', '/v1/models/tiny/predict', { body: { user: 'phone-user', inputs: [s.centres[2]] } });
    expect(((await byUser.json()) as { predictions: { label: string }[] }).predictions[0]!.label).toBe('left');
    const writes = kv.writes;
    expect(((await (await upload(call, bytes, '?user=phone-user')).json()) as { cache: string }).cache).toBe('hit');
    expect(kv.writes).toBe(writes);
  });

  it('a head adapted by the worker downloads byte-for-byte as the device format, for its tenant only', async () => {
    const { call } = makeApp();
    const s = support(2, 3, 92, ['a', 'b']);
    const a = (await (await call('POST', '/v1/models/tiny/adapt', { body: { user: 'dl', support: s } })).json()) as { headId: string };
    const res = await call('GET', `/v1/models/tiny/heads/${a.headId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const head = await decodeHead(new Uint8Array(await res.arrayBuffer()));
    expect(head.labels).toEqual(['a', 'b']);
    expect((await call('GET', `/v1/models/tiny/heads/${a.headId}`, { key: KEYS.beta })).status).toBe(404);
  });

  it('refuses corrupt, foreign and non-binary uploads with a 4xx and writes nothing', async () => {
    const { call, kv } = makeApp();
    const { bytes } = await deviceHead(93, ['x', 'y']);
    const flipped = bytes.slice();
    flipped[flipped.length >> 1]! ^= 1;
    const r1 = await upload(call, flipped);
    expect(r1.status).toBe(422);
    expect(((await r1.json()) as { code: string }).code).toBe('invalid_head');
    const r2 = await call('POST', '/v1/models/tiny-sine/heads', { bytes, headers: { 'content-type': 'application/octet-stream' } });
    expect(r2.status).toBe(422);
    expect(((await r2.json()) as { code: string }).code).toBe('head_mismatch');
    const r3 = await call('POST', '/v1/models/tiny/heads', { body: { not: 'bytes' } });
    expect(r3.status).toBe(415);
    expect(kv.writes + kv.deletes).toBe(0);
  });
});
