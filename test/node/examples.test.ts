// Stored examples on `fewshot serve` (the real CLI in a child process): the same semantics as the
// worker's Durable Object — no lost appends under concurrency, nothing torn by a SIGKILL.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeEntry } from '../../node/file-kv';
import { examplesFor } from '../helpers/example-sets';
import { API_KEYS, ROOT, startFewshot } from './servers';

const root = mkdtempSync(join(tmpdir(), 'fewshot-examples-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const store = join(root, 'store');
const start = () => startFewshot({ store, vars: { API_KEYS, RATE_LIMITS: 'off' }, args: ['--bundle', `tiny=${join(ROOT, 'test/fixtures/tiny.fsb')}`] });
type Json = Record<string, unknown>;
const call = async (base: string, method: string, path: string, body?: unknown, key = 'key-alpha') => {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, json: (await res.json()) as Json };
};
const tag = (x: number[], l: unknown) => `${String(l)}|${x.join(',')}`;
const exFiles = () => readdirSync(join(store, 'examples'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ex') || f.endsWith('.tmp'));

describe('fewshot serve: stored examples', () => {
  it('200 examples from 20 concurrent clients, a SIGKILL mid-appends, a restart: nothing lost, nothing torn, the head is a fresh adapt of what is stored', async () => {
    let s = await start();
    const ex = examplesFor(5, 40, 909);
    const clients = Array.from({ length: 20 }, (_, c) => ex.inputs.map((input, i) => ({ input, label: ex.labels[i]! })).filter((_, i) => i % 20 === c));
    const revisions: number[] = [];
    await Promise.all(
      clients.map(async (mine) => {
        for (const e of mine) {
          const r = await call(s.base, 'POST', '/v1/models/tiny/users/crowd/examples', { inputs: [e.input], labels: [e.label] });
          expect(r.status, JSON.stringify(r.json)).toBe(200);
          revisions.push(r.json.revision as number);
        }
      }),
    );
    expect(revisions.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const got = await call(s.base, 'GET', '/v1/models/tiny/users/crowd/examples?inputs=1');
    const sup = got.json.support as { inputs: number[][]; labels: string[] };
    expect(sup.inputs.map((x, i) => tag(x, sup.labels[i])).sort()).toEqual(ex.inputs.map((x, i) => tag(x, ex.labels[i])).sort());
    const fresh = await call(s.base, 'POST', '/v1/models/tiny/adapt', { user: 'fresh', support: sup }, 'key-beta');
    expect(fresh.json).toMatchObject({ headId: got.json.headId, cache: 'miss' });
    const bytes = async (key: string) => Buffer.from(await (await fetch(`${s.base}/v1/models/tiny/heads/${got.json.headId as string}`, { headers: { authorization: `Bearer ${key}` } })).arrayBuffer());
    expect((await bytes('key-alpha')).equals(await bytes('key-beta'))).toBe(true);

    // Appends in flight, then SIGKILL: no drain, no lock release.
    const k = examplesFor(4, 10, 910);
    const acked: string[] = [];
    let tenAcked!: () => void;
    const ten = new Promise<void>((r) => (tenAcked = r));
    const inflight = k.inputs.map((x, i) =>
      call(s.base, 'POST', '/v1/models/tiny/users/killed/examples', { inputs: [x], labels: [k.labels[i]] })
        .then((r) => r.status === 200 && acked.push(tag(x, k.labels[i])) >= 10 && tenAcked())
        .catch(() => null),
    );
    await ten; // killed with some appends answered and the rest in flight
    await s.stop('SIGKILL');
    await Promise.all(inflight);
    for (const f of exFiles().filter((f) => f.endsWith('.ex'))) expect(decodeEntry(readFileSync(join(store, 'examples', f))), f).not.toBeNull();

    s = await start();
    expect(exFiles().every((f) => f.endsWith('.ex'))).toBe(true); // temp files swept
    const after = await call(s.base, 'GET', '/v1/models/tiny/users/killed/examples?inputs=1');
    const kept = after.json.support as { inputs: number[][]; labels: string[] };
    const keptTags = new Set(kept.inputs.map((x, i) => tag(x, kept.labels[i])));
    expect(acked.length).toBeGreaterThanOrEqual(10);
    expect(acked.length).toBeLessThan(k.inputs.length);
    for (const a of acked) expect(keptTags.has(a), a).toBe(true); // every acknowledged append survived
    console.log(JSON.stringify({ sigkill: { sent: k.inputs.length, acknowledged: acked.length, kept: kept.inputs.length } }));
    if (new Set(kept.labels).size >= 2) {
      const again = await call(s.base, 'POST', '/v1/models/tiny/adapt', { user: 'fresh-killed', support: kept }, 'key-beta');
      expect(after.json.headId).toBe(again.json.headId); // the GET repaired whatever the kill left behind
      expect((await call(s.base, 'POST', '/v1/models/tiny/predict', { user: 'killed', inputs: [k.centres[0]] })).json.headId).toBe(again.json.headId);
    }
    // The 200 survived the restart too, and predict by user finds their head.
    expect((await call(s.base, 'POST', '/v1/models/tiny/predict', { user: 'crowd', inputs: ex.centres })).json).toMatchObject({ headId: got.json.headId, cache: 'hit' });

    // Deleting the user leaves nothing of them: no examples file, no head, no pointer.
    const filesBefore = exFiles().length;
    expect((await fetch(`${s.base}/v1/models/tiny/users/crowd`, { method: 'DELETE', headers: { authorization: 'Bearer key-alpha' } })).status).toBe(204);
    expect(exFiles().length).toBe(filesBefore - 1);
    expect((await call(s.base, 'GET', '/v1/models/tiny/users/crowd/examples')).json).toMatchObject({ examples: 0, headId: null });
    expect((await call(s.base, 'POST', '/v1/models/tiny/predict', { headId: got.json.headId, inputs: [ex.centres[0]] })).status).toBe(404);
    expect(await s.stop()).toBe(0);
  });
});
