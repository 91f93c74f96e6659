import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app';
import { parseKeyTable, timingSafeEqual } from '../../worker/middleware/auth';
import { initWorkerdBackend } from '../../wasm/workerd';
import tiny from '../fixtures/tiny.fsb';
import { captureConsole, KEY_HASHES, KEYS, makeFuzzApp, snapshotTenant, support, testEnv } from './fuzz/harness';
import type { Call } from './fuzz/harness';

// 'delta' is the victim and belongs to this file alone, so its KV can be snapshotted while other files run.
const VICTIM = KEYS.delta;
// Not 'fuzz' or 'gamma': their files snapshot them, and attackers here do write (their own heads).
const ATTACKERS = Object.entries(KEYS).filter(([t]) => ['epsilon', 'local', 'alpha', 'beta'].includes(t));
type Json = Record<string, unknown>;

const post = async (call: Call, path: string, key: string, body: unknown) => {
  const res = await call('POST', path, { key, body });
  return { status: res.status, json: (await res.json()) as Json };
};

/** Names an attacker might try for the victim's user: the name itself and ways to smuggle a key prefix or an encoding. */
const forgedUser = (user: string) =>
  fc.oneof(
    fc.constant(user),
    fc.constantFrom(`x:delta:tiny:${user}`, `delta:tiny:${user}`, `v1:user:delta:tiny:${user}`, encodeURIComponent(`delta:tiny:${user}`), `../delta/${user}`, `${user} `, ` ${user}`, user.toUpperCase(), user.normalize('NFD'), `${user}\u200b`, `%2e%2e/${user}`),
    fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([a, b]) => `${a}${user}${b}`),
  );

describe('tenant isolation under fuzzing', () => {
  it('every route, tried by every other tenant with the victim’s headIds and user names, is refused and changes nothing', async () => {
    const { call } = makeFuzzApp();
    const victims = [0, 1, 2].map((i) => {
      const s = support(2, 3, 900 + i, ['left', 'right']);
      return { user: `tenancy-victim-${i}-ü:/x`, support: { inputs: s.inputs, labels: s.labels }, queries: s.centres, headId: '' };
    });
    for (const v of victims) {
      const a = await post(call, '/v1/models/tiny/adapt', VICTIM, { user: v.user, support: v.support });
      expect(a.status).toBe(200);
      v.headId = a.json.headId as string;
    }
    const before = await snapshotTenant('delta');
    expect(before.size).toBe(9); // per victim: the head, its adapt-index entry and the pointer

    const attempt = fc.tuple(fc.constantFrom(...ATTACKERS), fc.constantFrom(...victims), fc.nat(5)).chain(([[tenant, key], v, route]) =>
      forgedUser(v.user).map((user) => ({ tenant, key, v, route, user })),
    );
    let tries = 0;
    await fc.assert(
      fc.asyncProperty(attempt, async ({ key, v, route, user }) => {
        tries++;
        if (route === 0) {
          const r = await post(call, '/v1/models/tiny/predict', key, { headId: v.headId, inputs: v.queries });
          expect(r.status).toBe(404);
        } else if (route === 1) {
          const r = await post(call, '/v1/models/tiny/predict', key, { user, inputs: v.queries });
          expect([404, 400, 200]).toContain(r.status);
          // 200 only when the attacker adapted a head under that name itself (route 4): then it is theirs.
          if (r.status === 200) {
            expect(r.json.headId).not.toBe(v.headId);
            for (const p of r.json.predictions as { label: string }[]) expect(['mine', 'yours']).toContain(p.label);
          }
        } else if (route === 2) {
          const r = await post(call, '/v1/models/tiny/predict', key, { user, headId: v.headId, inputs: v.queries });
          expect([404, 400]).toContain(r.status);
        } else if (route === 3) {
          const r = await call('DELETE', `/v1/models/tiny/users/${encodeURIComponent(user)}`, { key });
          expect([204, 400, 404]).toContain(r.status);
        } else if (route === 4) {
          // Adapting under the victim's user name gives the attacker their own head; the victim's stays.
          const r = await post(call, '/v1/models/tiny/adapt', key, { user, support: support(2, 2, 77, ['mine', 'yours']) });
          expect(r.status).toBe(200);
          expect(r.json.headId).not.toBe(v.headId);
        } else {
          for (const path of ['/v1/models', '/v1/models/tiny', '/healthz', '/openapi.json']) {
            const text = await (await call('GET', path, { key })).text();
            expect(text.includes(v.headId) || text.includes('tenancy-victim')).toBe(false);
          }
        }
      }),
      { seed: 424_242, numRuns: 150 },
    );
    expect(tries).toBeGreaterThanOrEqual(150);
    expect(await snapshotTenant('delta')).toEqual(before);
    for (const v of victims) {
      const r = await post(call, '/v1/models/tiny/predict', VICTIM, { user: v.user, inputs: v.queries });
      expect(r.json).toMatchObject({ headId: v.headId, cache: 'hit' });
      expect((r.json.predictions as { label: string }[]).map((p) => p.label)).toEqual(['left', 'right']);
    }
  });

  it('keys never appear in logs, bodies or headers: valid, invalid and near-miss keys, including on a 500', async () => {
    const { call } = makeFuzzApp();
    const broken = createApp({
      backend: () => initWorkerdBackend(),
      bundles: [{ name: 'tiny', bytes: async () => tiny }],
      kv: () => {
        throw new Error('KV binding exploded');
      },
    });
    const presented: string[] = [];
    const secrets = new Set<string>([...Object.values(KEYS), ...Object.values(KEY_HASHES)]);
    for (const hash of Object.values(KEY_HASHES)) secrets.add(btoa(String.fromCharCode(...hash.match(/../g)!.map((h) => parseInt(h, 16)))));
    for (const k of Object.values(KEYS)) secrets.add(btoa(k));
    const { lines, result: exposed } = await captureConsole(async () => {
      const out: string[] = [];
      const s = support(2, 2, 31);
      for (const [i, key] of Object.values(KEYS).entries()) {
        const variants = [key, key.toUpperCase(), `${key}x`, key.slice(0, -1), `${key}-${i}`, 'not-a-key-' + key.split('').reverse().join('')];
        for (const k of variants) {
          presented.push(k);
          const rs = [
            await call('POST', '/v1/models/tiny/adapt', { key: k, body: { user: `logs-${i}`, support: { inputs: s.inputs, labels: s.labels } } }),
            await call('POST', '/v1/models/tiny/predict', { key: k, body: { user: 'nobody', inputs: [s.inputs[0]] } }),
            await call('POST', '/v1/models/tiny/adapt', { key: k, raw: '{"user":' }),
            await call('DELETE', '/v1/models/tiny/users/nobody', { key: k }),
            await broken.request('http://api.test/v1/models/tiny/predict', { method: 'POST', headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' }, body: '{}' }, testEnv),
          ];
          for (const r of rs) out.push(`${r.status} ${[...r.headers].map(([h, v]) => `${h}: ${v}`).join('\n')}\n${await r.text()}`);
        }
      }
      return out;
    });
    expect(exposed.some((r) => r.startsWith('500'))).toBe(true); // the unhandled-error logger ran
    expect(lines.some((l) => l.includes('KV binding exploded'))).toBe(true);
    const everything = [...lines, ...exposed].join('\n');
    for (const secret of [...secrets, ...presented]) expect(everything.includes(secret), `leaked ${secret}`).toBe(false);
  });

  it('timingSafeEqual is exact equality on bytes (fast-check), and the key table keeps every configured hash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), fc.nat(), (a, b, i) => {
        expect(timingSafeEqual(a, b)).toBe(a.length === b.length && a.every((v, j) => v === b[j]));
        expect(timingSafeEqual(a, a.slice())).toBe(true);
        if (a.length > 0) {
          const c = a.slice();
          c[i % c.length]! ^= 0x80;
          expect(timingSafeEqual(a, c)).toBe(false);
        }
      }),
      { seed: 99, numRuns: 2_000 },
    );
    const table = parseKeyTable(testEnv.API_KEYS);
    expect(table.map((e) => e.tenant).sort()).toEqual(Object.keys(KEYS).sort());
    expect(() => parseKeyTable('{"not-hex":"t"}')).toThrow(/sha256/);
  });
});
