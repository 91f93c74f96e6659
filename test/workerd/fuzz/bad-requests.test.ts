import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { badRequest } from './bad-requests';
import { expectProblem, send } from './check-problem';
import { captureConsole, KEY_HASHES, KEYS, makeFuzzApp, numberVar, snapshotTenant, support } from './harness';

// `npm test` runs a seeded subset; `npm run test:fuzz` sets FUZZ_RUNS (and may set FUZZ_SEED) through the pool's bindings.
const RUNS = numberVar('FUZZ_RUNS', 2_000);
const SEED = numberVar('FUZZ_SEED', 20_260_501);
const PROBE_EVERY = 100;

describe('API fuzzing: generated bad requests', () => {
  it(`${RUNS} generated bad requests: each a 4xx problem+json, the isolate keeps serving, KV unchanged (seed ${SEED})`, async () => {
    const { call, kv } = makeFuzzApp();
    const s = support(3, 3, 4242, ['red', 'green', 'blue']);
    const base = await call('POST', '/v1/models/tiny/adapt', { body: { user: 'fuzz-base-user', support: { inputs: s.inputs, labels: s.labels } } });
    expect(base.status).toBe(200);
    const { headId } = (await base.json()) as { headId: string };
    const probe = async () => {
      const r = await call('POST', '/v1/models/tiny/predict', { body: { headId, inputs: s.centres } });
      expect(r.status, 'a valid request after bad ones').toBe(200);
      return ((await r.json()) as { predictions: unknown }).predictions;
    };
    const expected = await probe();
    const before = await snapshotTenant('fuzz');
    expect(before.size).toBeGreaterThanOrEqual(2); // the head and the user's pointer
    const mutations = kv.mutations();

    const kinds = new Map<string, number>();
    const outcomes = new Map<string, number>();
    let ran = 0;
    const { lines } = await captureConsole(async () => {
      try {
        await fc.assert(
          fc.asyncProperty(badRequest({ headId, user: 'fuzz-base-user', models: ['tiny', 'tiny-sine'] }), async (req) => {
            const m0 = kv.mutations();
            const res = await send(call, req);
            const { status, code } = await expectProblem(res, req);
            // Per request, so a shrunk counterexample is judged on its own writes.
            expect(kv.mutations() - m0, `${req.kind}: a rejected request wrote to KV`).toBe(0);
            kinds.set(req.kind, (kinds.get(req.kind) ?? 0) + 1);
            outcomes.set(`${status} ${code}`, (outcomes.get(`${status} ${code}`) ?? 0) + 1);
            if (++ran % PROBE_EVERY === 0) expect(await probe()).toEqual(expected);
          }),
          { seed: SEED, numRuns: RUNS },
        );
      } catch (e) {
        // fast-check's message names the seed and the counterexample path; make the replay command obvious too.
        const cause = e instanceof Error && e.cause instanceof Error ? `\ncaused by: ${e.cause.message}` : '';
        throw new Error(`API fuzz failed (seed ${SEED}; replay with FUZZ_SEED=${SEED}):\n${e instanceof Error ? e.message : String(e)}${cause}`);
      }
    });

    expect(await probe()).toEqual(expected);
    expect(kv.mutations()).toBe(mutations);
    expect(await snapshotTenant('fuzz')).toEqual(before);
    expect(ran).toBeGreaterThanOrEqual(RUNS);
    // Bad keys were presented thousands of times: none of the real keys or their hashes was logged.
    const log = lines.join('\n');
    for (const secret of [...Object.values(KEYS), ...Object.values(KEY_HASHES)]) expect(log.includes(secret), secret).toBe(false);
    console.log(JSON.stringify({ fuzz: 'api', seed: SEED, runs: ran, kinds: Object.fromEntries([...kinds].sort()), outcomes: Object.fromEntries([...outcomes].sort()) }));
  });
});
