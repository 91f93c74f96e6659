import { describe, expect, it } from 'vitest';
import { EX_KEYS, examplesApp, examplesFor } from './harness';
import type { Json } from './harness';

const u = (user: string) => `/v1/models/tiny/users/${user}`;
const key = (input: number[], label: unknown) => `${String(label)}|${input.join(',')}`;

describe('concurrent appends to one user (real Durable Object)', () => {
  it('200 examples from 20 concurrent clients: all 200 stored, one final head equal to a fresh adapt of the 200', async () => {
    const { call, headBytes } = examplesApp();
    const s = examplesFor(5, 40, 2026);
    const clients = Array.from({ length: 20 }, (_, c) => s.inputs.map((input, i) => ({ input, label: s.labels[i]! })).filter((_, i) => i % 20 === c));
    const answers: Json[] = [];
    await Promise.all(
      clients.map(async (mine) => {
        for (const e of mine) {
          const r = await call('POST', `${u('crowd')}/examples`, { inputs: [e.input], labels: [e.label] });
          expect(r.status, JSON.stringify(r.json)).toBe(200);
          answers.push(r.json);
        }
      }),
    );
    // Every append saw its own example stored: revisions 1..200, each exactly once.
    expect(answers.map((a) => a.revision as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    const got = await call('GET', `${u('crowd')}/examples?ids=1&inputs=1`);
    expect(got.json).toMatchObject({ examples: 200, revision: 200, readapted: false, readapts: 0 });
    const support = got.json.support as { inputs: number[][]; labels: string[] };
    expect(support.inputs.map((x, i) => key(x, support.labels[i])).sort()).toEqual(s.inputs.map((x, i) => key(x, s.labels[i])).sort());

    // The user points at the head of all 200 examples (in stored order)...
    const p = await call('POST', '/v1/models/tiny/predict', { user: 'crowd', inputs: s.centres });
    expect(p.json).toMatchObject({ headId: got.json.headId, cache: 'hit', readapted: false });
    // ...which is exactly what a fresh adapt of those 200 gives, in a tenant whose cache has never seen them.
    const fresh = await call('POST', '/v1/models/tiny/adapt', { user: 'fresh', support }, EX_KEYS.eta);
    expect(fresh.json).toMatchObject({ headId: got.json.headId, cache: 'miss' });
    const [mine, theirs] = await Promise.all([headBytes(got.json.headId as string, EX_KEYS.zeta), headBytes(got.json.headId as string, EX_KEYS.eta)]);
    expect(mine.length).toBeGreaterThan(100);
    expect(mine).toEqual(theirs);
    const fp = await call('POST', '/v1/models/tiny/predict', { headId: fresh.json.headId, inputs: s.centres }, EX_KEYS.eta);
    expect(fp.json.predictions).toEqual(p.json.predictions);
  });

  it('concurrent appends and removals interleaved: the final head is the head of the final set', async () => {
    const { call } = examplesApp();
    const s = examplesFor(4, 10, 77, ['a', 'b', 'c', 'd']);
    await call('POST', `${u('churn')}/examples`, { inputs: s.inputs.slice(0, 8), labels: s.labels.slice(0, 8) });
    const ids = ((await call('GET', `${u('churn')}/examples?ids=1`)).json.items as { id: string }[]).map((i) => i.id);
    await Promise.all([
      ...s.inputs.slice(8).map((x, i) => call('POST', `${u('churn')}/examples`, { inputs: [x], labels: [s.labels[8 + i]] })),
      ...ids.slice(0, 4).map((id) => call('DELETE', `${u('churn')}/examples/${id}`)),
    ]);
    const got = await call('GET', `${u('churn')}/examples?inputs=1`);
    expect(got.json.examples).toBe(36);
    const fresh = await call('POST', '/v1/models/tiny/adapt', { user: 'churn-fresh', support: got.json.support });
    expect(got.json.headId).toBe(fresh.json.headId);
    const p = await call('POST', '/v1/models/tiny/predict', { user: 'churn', inputs: [s.centres[0]] });
    expect(p.json.headId).toBe(fresh.json.headId);
  });
});

