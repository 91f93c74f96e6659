import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { EX_KEYS, examplesApp, examplesFor, kvKeysOf } from './harness';
import type { Json } from './harness';

const base = (user: string) => `/v1/models/tiny/users/${encodeURIComponent(user)}`;
type Item = { id: string; label: string; addedAt: number; encoding: string };

describe('examples API: add, list, remove, one example at a time', () => {
  it('teaches classes one example at a time; no head until there are two classes; the head is a fresh adapt of the stored set', async () => {
    const { call } = examplesApp();
    const u = base('teach-1');
    const s = examplesFor(3, 2, 11, ['a', 'b', 'c']);
    const first = await call('POST', `${u}/examples`, { inputs: [s.inputs[0]], labels: ['a'] });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ headId: null, examples: 1, labels: { a: 1 }, adapted: false, revision: 1, bytes: 32 });
    expect((first.json.added as Item[])[0]).toMatchObject({ label: 'a', encoding: 'f16' });
    expect((await call('POST', '/v1/models/tiny/predict', { user: 'teach-1', inputs: [s.centres[0]] })).status).toBe(404);

    let last: Json = {};
    for (let i = 1; i < s.inputs.length; i++) {
      const r = await call('POST', `${u}/examples`, { inputs: [s.inputs[i]], labels: [s.labels[i]] });
      expect(r.status).toBe(200);
      last = r.json;
    }
    expect(last).toMatchObject({ examples: 6, labels: { a: 2, b: 2, c: 2 }, adapted: true, cache: 'miss', revision: 6 });
    const p = await call('POST', '/v1/models/tiny/predict', { user: 'teach-1', inputs: s.centres });
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({ headId: last.headId, cache: 'hit', readapted: false });
    expect((p.json.predictions as { label: string }[]).map((x) => x.label)).toEqual(['a', 'b', 'c']);

    // The same six examples sent to adapt in one call name the same head (same content, same order).
    const whole = await call('POST', '/v1/models/tiny/adapt', { user: 'teach-1-whole', support: { inputs: s.inputs, labels: s.labels } });
    expect(whole.json.headId).toBe(last.headId);
  });

  it('lists counts, ids and the stored examples; an export POSTs back as is', async () => {
    const { call } = examplesApp();
    const u = base('list-1');
    const s = examplesFor(2, 3, 12);
    await call('POST', `${u}/examples`, { inputs: s.inputs, labels: s.labels });
    const plain = await call('GET', `${u}/examples`);
    expect(plain.json).toMatchObject({ examples: 6, labels: { 'class-0': 3, 'class-1': 3 }, bytes: 6 * 32, readapted: false });
    expect(plain.json.items).toBeUndefined();
    const withIds = await call('GET', `${u}/examples?ids=1`);
    const items = withIds.json.items as Item[];
    expect(items.map((i) => i.label)).toEqual(s.labels);
    expect(new Set(items.map((i) => i.id)).size).toBe(6);
    const exported = await call('GET', `${u}/examples?inputs=1`);
    expect(exported.json.support).toEqual({ inputs: s.inputs, labels: s.labels }); // f16-exact values come back exactly
    const moved = await call('POST', `${base('list-1-copy')}/examples`, exported.json.support);
    expect(moved.json.headId).toBe(plain.json.headId);
    // The browser runtime's export (rt.examples.exportAll) carries two more fields; the server takes it as is.
    const fromPhone = await call('POST', `${base('list-1-phone')}/examples`, { format: 'fewshot-examples/1', model: 'tiny', ...(exported.json.support as object) });
    expect(fromPhone.json.headId).toBe(plain.json.headId);
  });

  it('corrects a mistake (append the right label, delete the wrong one), deletes a class; one class left or none = no head', async () => {
    const { call } = examplesApp();
    const u = base('fix-1');
    const s = examplesFor(3, 2, 13, ['a', 'b', 'c']);
    await call('POST', `${u}/examples`, { inputs: s.inputs, labels: s.labels });
    const wrong = await call('POST', `${u}/examples`, { inputs: [s.centres[2]], labels: ['a'] });
    const wrongId = (wrong.json.added as Item[])[0]!.id;
    const fixed = await call('POST', `${u}/examples`, { inputs: [s.centres[2]], labels: ['c'] });
    expect(fixed.json.labels).toEqual({ a: 3, b: 2, c: 3 });
    const del = await call('DELETE', `${u}/examples/${wrongId}`);
    expect(del.status).toBe(200);
    expect(del.json).toMatchObject({ removed: 1, examples: 7, labels: { a: 2, b: 2, c: 3 }, adapted: true });
    expect((await call('DELETE', `${u}/examples/${wrongId}`)).json.code).toBe('example_not_found');

    const noC = await call('DELETE', `${u}/examples?label=c`);
    expect(noC.json).toMatchObject({ removed: 3, labels: { a: 2, b: 2 } });
    const p = await call('POST', '/v1/models/tiny/predict', { user: 'fix-1', inputs: [s.centres[2]] });
    expect(p.json.headId).toBe(noC.json.headId);
    expect(Object.keys((p.json.predictions as { scores: Json }[])[0]!.scores).sort()).toEqual(['a', 'b']);
    expect((await call('DELETE', `${u}/examples?label=c`)).json.code).toBe('label_not_found');

    const oneLeft = await call('DELETE', `${u}/examples?label=b`);
    expect(oneLeft.json).toMatchObject({ headId: null, examples: 2, labels: { a: 2 } });
    const gone = await call('POST', '/v1/models/tiny/predict', { user: 'fix-1', inputs: [s.centres[0]] });
    expect(gone.status).toBe(404);
    expect(gone.json.code).toBe('head_not_found');
    expect((await kvKeysOf('zeta')).filter((k) => k.endsWith(':fix-1'))).toEqual([]); // no pointer: the user has no head
    const none = await call('DELETE', `${u}/examples?label=a`);
    expect(none.json).toMatchObject({ headId: null, examples: 0, labels: {}, bytes: 0 });
  });

  it('numeric labels: kept as numbers, removed by their decimal text, never mixed with strings', async () => {
    const { call } = examplesApp();
    const u = base('num-1');
    const s = examplesFor(2, 2, 14);
    const r = await call('POST', `${u}/examples`, { inputs: s.inputs, labels: [7, 8, 7, 8] });
    expect(r.json.labels).toEqual({ 7: 2, 8: 2 });
    const mixed = await call('POST', `${u}/examples`, { inputs: [s.inputs[0]], labels: ['7'] });
    expect(mixed.status).toBe(422);
    expect(mixed.json.code).toBe('label_kind');
    const items = (await call('GET', `${u}/examples?ids=1`)).json.items as { label: unknown }[];
    expect(items.map((i) => i.label)).toEqual([7, 8, 7, 8]);
    expect((await call('DELETE', `${u}/examples?label=8`)).json).toMatchObject({ removed: 2, labels: { 7: 2 } });
  });

  it('bad input is refused before anything is stored', async () => {
    const { call } = examplesApp();
    const u = base('bad-1');
    const s = examplesFor(2, 2, 15);
    await call('POST', `${u}/examples`, { inputs: s.inputs, labels: s.labels });
    const before = (await call('GET', `${u}/examples?ids=1`)).json;
    const cases: [unknown, number, string][] = [
      [{ inputs: [[1, 2, 3]], labels: ['a'] }, 422, 'input_length'],
      [{ inputs: [s.inputs[0], s.inputs[1]], labels: ['a'] }, 422, 'label_count_mismatch'],
      [{ inputs: [s.inputs[0]], labels: [5] }, 422, 'label_kind'],
      [{ inputs: [s.inputs[0]], labels: ['a'], steps: 1000 }, 422, 'steps_out_of_range'],
      [{ inputs: [s.inputs[0]], labels: ['a'], lr: 1e-9 }, 422, 'lr_out_of_range'],
      [{ inputs: [], labels: [] }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of cases) {
      const r = await call('POST', `${u}/examples`, body);
      expect([r.status, r.json.code], JSON.stringify(body).slice(0, 60)).toEqual([status, code]);
    }
    expect((await call('DELETE', `${u}/examples/not-an-id`)).json.code).toBe('invalid_path');
    expect((await call('GET', `${u}/examples?ids=1`)).json).toEqual(before);
  });

  it('caps: examples and classes per user, bytes per tenant (413), all or nothing', async () => {
    const { call } = examplesApp({ vars: { EXAMPLES_MAX_PER_USER: '5', EXAMPLES_MAX_CLASSES: '3', EXAMPLES_MAX_TENANT_BYTES: '100000' } });
    const u = base('caps-1');
    const s = examplesFor(4, 2, 16, ['a', 'b', 'c', 'd']);
    expect((await call('POST', `${u}/examples`, { inputs: s.inputs.slice(0, 3), labels: s.labels.slice(0, 3) })).status).toBe(200);
    const tooMany = await call('POST', `${u}/examples`, { inputs: s.inputs.slice(4, 7), labels: s.labels.slice(4, 7) });
    expect([tooMany.status, tooMany.json.code]).toEqual([413, 'too_many_examples']);
    const fourth = await call('POST', `${u}/examples`, { inputs: [s.inputs[3]], labels: ['d'] });
    expect([fourth.status, fourth.json.code]).toEqual([413, 'too_many_classes']);
    expect((await call('GET', `${u}/examples`)).json).toMatchObject({ examples: 3, labels: { a: 1, b: 1, c: 1 } });

    // Bytes per tenant: a tenant of its own (eta), 32 bytes an example, a cap of 2 KiB.
    const small = examplesApp({ vars: { EXAMPLES_MAX_TENANT_BYTES: '1024' } });
    const t = examplesFor(2, 16, 17);
    const used = (await small.call('GET', `${base('caps-2')}/examples`, undefined, EX_KEYS.eta)).json;
    const full = await small.call('POST', `${base('caps-2')}/examples`, { inputs: t.inputs, labels: t.labels }, EX_KEYS.eta);
    expect(used.examples).toBe(0);
    expect(full.status).toBe(200); // 32 × 32 = 1024 bytes: exactly the cap
    const over = await small.call('POST', `${base('caps-3')}/examples`, { inputs: [t.inputs[0]], labels: ['x'] }, EX_KEYS.eta);
    expect([over.status, over.json.code]).toEqual([413, 'tenant_storage_full']);
    expect((await small.call('DELETE', `${base('caps-2')}/examples?label=class-0`, undefined, EX_KEYS.eta)).status).toBe(200);
    expect((await small.call('POST', `${base('caps-3')}/examples`, { inputs: [t.inputs[0]], labels: ['x'] }, EX_KEYS.eta)).status).toBe(200);
    expect((await small.call('DELETE', base('caps-2'), undefined, EX_KEYS.eta)).status).toBe(204);
    expect((await small.call('DELETE', base('caps-3'), undefined, EX_KEYS.eta)).status).toBe(204);
  });

  it('tenant isolation: another tenant never reads, counts, changes or deletes these examples', async () => {
    const { call } = examplesApp();
    const u = base('iso-1');
    const s = examplesFor(2, 2, 18);
    const mine = await call('POST', `${u}/examples`, { inputs: s.inputs, labels: s.labels });
    const id = (mine.json.added as Item[])[0]!.id;
    const other = EX_KEYS.theta;
    expect((await call('GET', `${u}/examples?ids=1&inputs=1`, undefined, other)).json).toMatchObject({ examples: 0, labels: {}, bytes: 0, headId: null, items: [], support: { inputs: [], labels: [] } });
    expect((await call('DELETE', `${u}/examples/${id}`, undefined, other)).json.code).toBe('example_not_found');
    expect((await call('DELETE', `${u}/examples?label=class-0`, undefined, other)).json.code).toBe('label_not_found');
    expect((await call('POST', '/v1/models/tiny/predict', { user: 'iso-1', inputs: [s.inputs[0]] }, other)).status).toBe(404);
    expect((await call('DELETE', u, undefined, other)).status).toBe(204);
    expect((await call('GET', `${u}/examples`)).json).toMatchObject({ examples: 4, headId: mine.json.headId });
  });

  it('DELETE user: nothing of the user is left — no example rows, no state, no head (of any revision), no index entry, no pointer', async () => {
    // Tenant iota holds this user only, so "nothing left" is "the tenant's KV is empty".
    const { call } = examplesApp();
    const key = EX_KEYS.iota;
    const u = base('leaver-1');
    const s = examplesFor(3, 12, 19);
    const headIds = new Set<string>();
    // 36 heads: more than the pointer remembers (32), so only the store's own list can find the oldest.
    for (let i = 0; i < s.inputs.length; i++) headIds.add((await call('POST', `${u}/examples`, { inputs: [s.inputs[i]], labels: [s.labels[i]] }, key)).json.headId as string);
    headIds.delete(null as unknown as string);
    const before = (await call('GET', `${u}/examples`, undefined, key)).json;
    expect(before.examples).toBe(36);
    expect(headIds.size).toBe(35);
    const keys = await kvKeysOf('iota');
    expect(keys.filter((k) => k.startsWith('v1:head:'))).toHaveLength(35);
    expect(keys.filter((k) => k.startsWith('v1:adapt:'))).toHaveLength(35);
    expect(keys.filter((k) => k.startsWith('v1:user:'))).toHaveLength(1);
    expect((await call('DELETE', u, undefined, key)).status).toBe(204);
    const rows = await runInDurableObject(env.USER_EXAMPLES.get(env.USER_EXAMPLES.idFromName('iota')), (_obj, state) => ({
      users: state.storage.sql.exec('SELECT COUNT(*) AS n FROM users').one().n,
      examples: state.storage.sql.exec('SELECT COUNT(*) AS n FROM examples').one().n,
      bytes: state.storage.sql.exec("SELECT v FROM usage WHERE k = 'bytes'").one().v,
    }));
    expect(rows).toEqual({ users: 0, examples: 0, bytes: 0 });
    expect(await kvKeysOf('iota')).toEqual([]);
    expect((await call('POST', '/v1/models/tiny/predict', { user: 'leaver-1', inputs: [s.inputs[0]] }, key)).status).toBe(404);
    expect((await call('GET', `${u}/examples`, undefined, key)).json).toMatchObject({ examples: 0, revision: 0 });
  });

  it('EXAMPLES_TTL_SECONDS: examples expire after their last change (the object\'s alarm removes them) and free the tenant\'s bytes', async () => {
    const { call } = examplesApp({ vars: { EXAMPLES_TTL_SECONDS: '1' } });
    const s = examplesFor(2, 2, 20);
    const a = await call('POST', `${base('ttl-1')}/examples`, { inputs: s.inputs, labels: s.labels }, EX_KEYS.theta);
    await call('POST', `${base('ttl-2')}/examples`, { inputs: s.inputs, labels: s.labels }, EX_KEYS.theta);
    expect(a.json.expiresAt).toBeGreaterThan(Date.now());
    const stub = env.USER_EXAMPLES.get(env.USER_EXAMPLES.idFromName('theta'));
    const count = () => runInDurableObject(stub, (_o, state) => ({ users: state.storage.sql.exec('SELECT COUNT(*) AS n FROM users').one().n, bytes: state.storage.sql.exec("SELECT v FROM usage WHERE k = 'bytes'").one().v }));
    expect(await count()).toEqual({ users: 2, bytes: 2 * 4 * 32 });
    // Nothing touches the users: the alarm set at their expiry removes both.
    for (let i = 0; i < 40 && (await count()).users !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await count()).toEqual({ users: 0, bytes: 0 });
    expect((await call('GET', `${base('ttl-1')}/examples`, undefined, EX_KEYS.theta)).json).toMatchObject({ examples: 0, headId: null, revision: 0 });
  });
});
