import { env } from 'cloudflare:workers';
import { createApp } from '../../../worker/app';
import { durableExamplesStore } from '../../../worker/examples/durable-object';
import { FaultyKv } from '../../../worker/heads/faulty-kv';
import { initWorkerdBackend } from '../../../wasm/workerd';
import tiny from '../../fixtures/tiny.fsb';
import tinySine from '../../fixtures/tiny-sine.fsb';
import glyphs from '../../../bundles/glyphs.fsb';
import { KEY_HASHES } from '../fuzz/harness';
import type { ExamplesStore } from '../../../worker/examples/store';
import type { FaultPlan } from '../../../worker/heads/faulty-kv';
import type { KvLike } from '../../../worker/heads/kv-like';
import type { R2Like } from '../../../src/store/r2-like';
import type { Bindings } from '../../../worker/types';

/** Tenants of the examples tests only (so their KV prefixes and Durable Objects hold nothing else). */
export const EX_KEYS = { zeta: 'key-zeta', eta: 'key-eta', theta: 'key-theta', iota: 'key-iota' } as const;
const HASHES: Record<keyof typeof EX_KEYS, string> = {
  zeta: '1746352796df79bbfe94bde156710a9ae646bbb38677a8a689a3612c6972b5ba',
  eta: 'f8e4dd7d118fd62b78307ec557489608b0380de4f32be7816718ac87f1332ac9',
  theta: 'ecc6d5d22ad543560d2c1bd9e72392bb4f33a604fa91356340df0f42c84ec21f',
  iota: 'f8a02c4e09229bd73c6f6e53bba5e5825c61aff0a0a58c1af3d13f19938d1120',
};
const API_KEYS = JSON.stringify(Object.fromEntries([...Object.entries(KEY_HASHES), ...Object.entries(HASHES)].map(([tenant, hash]) => [hash, tenant])));

type Op = keyof ExamplesStore;

/**
 * The Durable Object store seen through switches: an operation can fail before it reaches the store
 * (`fail`: an outage, nothing done) or after the store applied it (`failAfter`: the isolate died
 * before the answer arrived), always or with a seeded probability (`rate`).
 */
export class FaultyExamples implements ExamplesStore {
  readonly calls: Record<Op, number> = { append: 0, remove: 0, read: 0, commit: 0, ack: 0, deleteUser: 0 };
  fail: Partial<Record<Op, boolean>> = {};
  failAfter: Partial<Record<Op, boolean>> = {};
  rate = 1;
  injected = 0;
  private seed = 7;
  constructor(readonly inner: ExamplesStore = durableExamplesStore(env.USER_EXAMPLES)) {}
  private chance(): boolean {
    this.seed = (this.seed * 1664525 + 1013904223) >>> 0;
    return this.seed / 2 ** 32 < this.rate;
  }
  private async run<T>(op: Op, fn: () => Promise<T>): Promise<T> {
    this.calls[op]++;
    if (this.fail[op] && this.chance()) {
      this.injected++;
      throw new Error(`injected examples ${op} failure`);
    }
    const out = await fn();
    if (this.failAfter[op] && this.chance()) {
      this.injected++;
      throw new Error(`injected crash after examples ${op}`);
    }
    return out;
  }
  append: ExamplesStore['append'] = (...a) => this.run('append', () => this.inner.append(...a));
  remove: ExamplesStore['remove'] = (...a) => this.run('remove', () => this.inner.remove(...a));
  read: ExamplesStore['read'] = (...a) => this.run('read', () => this.inner.read(...a));
  commit: ExamplesStore['commit'] = (...a) => this.run('commit', () => this.inner.commit(...a));
  ack: ExamplesStore['ack'] = (...a) => this.run('ack', () => this.inner.ack(...a));
  deleteUser: ExamplesStore['deleteUser'] = (...a) => this.run('deleteUser', () => this.inner.deleteUser(...a));
}

/** KV whose puts of keys matching `failPuts` throw (e.g. only user pointers), over a FaultyKv for random faults. */
export class TargetedKv implements KvLike {
  failPuts: RegExp | undefined;
  constructor(readonly inner: FaultyKv) {}
  getWithMetadata: KvLike['getWithMetadata'] = (k, o) => this.inner.getWithMetadata(k, o);
  get: KvLike['get'] = (k, o) => this.inner.get(k, o);
  put: KvLike['put'] = async (k, v, o) => {
    if (this.failPuts?.test(k)) throw new Error(`injected KV put failure for ${k}`);
    return this.inner.put(k, v, o);
  };
  delete: KvLike['delete'] = (k) => this.inner.delete(k);
}

export type Json = Record<string, unknown>;

export interface ExamplesAppOptions {
  plan?: FaultPlan;
  vars?: Record<string, string>;
  store?: R2Like;
}

/** An app over real workerd KV (through a FaultyKv) and the real USER_EXAMPLES Durable Object (through a FaultyExamples). */
export function examplesApp(opts: ExamplesAppOptions = {}) {
  const faulty = new FaultyKv(env.HEADS as unknown as KvLike, opts.plan ?? {}, 5);
  const kv = new TargetedKv(faulty);
  const examples = new FaultyExamples();
  const app = createApp({
    backend: () => initWorkerdBackend(),
    kv: () => kv,
    examples: () => examples,
    ...(opts.store ? { store: () => opts.store } : {}),
    bundles: [
      { name: 'tiny', bytes: async () => tiny },
      { name: 'tiny-sine', bytes: async () => tinySine },
      // The default model: scope 'film', so its appends reuse cached frozen-prefix rows.
      { name: 'glyphs', bytes: async () => glyphs },
    ],
  });
  const bindings: Bindings = Object.create(env, { API_KEYS: { value: API_KEYS, enumerable: true }, MODELS_REFRESH_SECONDS: { value: '0', enumerable: true }, ...Object.fromEntries(Object.entries(opts.vars ?? {}).map(([k, v]) => [k, { value: v, enumerable: true }])) });
  const request = async (method: string, path: string, body?: unknown, key: string = EX_KEYS.zeta): Promise<Response> => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return app.request(`http://api.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, bindings);
  };
  const call = async (method: string, path: string, body?: unknown, key: string = EX_KEYS.zeta): Promise<{ status: number; json: Json; headers: Headers }> => {
    const res = await request(method, path, body, key);
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
  };
  /** A head's bytes as the download route serves them. */
  const headBytes = async (headId: string, key: string = EX_KEYS.zeta, model = 'tiny') => new Uint8Array(await (await request('GET', `/v1/models/${model}/heads/${headId}`, undefined, key)).arrayBuffer());
  return { app, kv, faulty, examples, call, request, headBytes };
}

export { examplesFor } from '../../helpers/example-sets';

/** Every KV key under a tenant's prefixes: heads, the adapt index, user pointers. */
export async function kvKeysOf(tenant: string): Promise<string[]> {
  const out: string[] = [];
  for (const prefix of [`v1:head:${tenant}:`, `v1:adapt:${tenant}:`, `v1:user:${tenant}:`]) {
    let cursor: string | undefined;
    do {
      const page = await env.HEADS.list({ prefix, cursor });
      out.push(...page.keys.map((k) => k.name));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
  }
  return out.sort();
}
