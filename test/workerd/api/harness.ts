import { env } from 'cloudflare:workers';
import { createApp } from '../../../worker/app';
import { initWorkerdBackend } from '../../../wasm/workerd';
import tiny from '../../fixtures/tiny.fsb';
import tinySine from '../../fixtures/tiny-sine.fsb';
import type { KvLike } from '../../../worker/heads/kv-like';

export const KEYS = { local: 'local-dev-key', alpha: 'key-alpha', beta: 'key-beta' } as const;

/** Counts every KV call the app makes, and can make them fail (fault injection for tests). */
export class CountingKv implements KvLike {
  reads = 0;
  writes = 0;
  deletes = 0;
  fail: { get?: boolean; put?: boolean; delete?: boolean; hangMs?: number } = {};
  constructor(private readonly kv: KVNamespace) {}
  private async gate(op: 'get' | 'put' | 'delete') {
    if (this.fail.hangMs) await new Promise((r) => setTimeout(r, this.fail.hangMs));
    if (this.fail[op]) throw new Error(`injected KV ${op} failure`);
  }
  async getWithMetadata<M>(key: string, options: { type: 'arrayBuffer'; cacheTtl?: number }) {
    this.reads++;
    await this.gate('get');
    return this.kv.getWithMetadata<M>(key, options);
  }
  async get(key: string, options: { type: 'json'; cacheTtl?: number }) {
    this.reads++;
    await this.gate('get');
    return this.kv.get(key, options);
  }
  async put(key: string, value: ArrayBuffer | string, options?: { expirationTtl?: number; metadata?: unknown }) {
    this.writes++;
    await this.gate('put');
    return this.kv.put(key, value, options);
  }
  async delete(key: string) {
    this.deletes++;
    await this.gate('delete');
    return this.kv.delete(key);
  }
}

/** A fresh app over real workerd KV with the fixture bundles plus one corrupt bundle. */
export function makeApp() {
  const kv = new CountingKv(env.HEADS);
  const corrupt = new Uint8Array(tiny.slice(0));
  corrupt[corrupt.length - 5]! ^= 0xff;
  const app = createApp({
    backend: () => initWorkerdBackend(),
    kv: () => kv,
    bundles: [
      { name: 'tiny', bytes: async () => tiny },
      { name: 'tiny-sine', bytes: async () => tinySine },
      { name: 'broken', bytes: async () => corrupt },
    ],
  });
  const call = (method: string, path: string, opts: { key?: string | null; body?: unknown; raw?: string; bytes?: Uint8Array; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? KEYS.local}`;
    let body: string | Uint8Array | undefined;
    if (opts.bytes !== undefined) body = opts.bytes;
    else if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    return app.request(`http://api.test${path}`, { method, headers, body }, env);
  };
  return { app, kv, call };
}

/** Seeded 16-d support set: `ways` well-separated classes around seeded centres. */
export function support(ways = 3, shots = 4, seed = 1, labels?: (string | number)[]) {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const centres = Array.from({ length: ways }, () => Array.from({ length: 16 }, () => rnd() * 4 - 2));
  const inputs: number[][] = [];
  const ls: (string | number)[] = [];
  for (let c = 0; c < ways; c++) {
    for (let k = 0; k < shots; k++) {
      inputs.push(centres[c]!.map((v) => v + (rnd() - 0.5) * 0.2));
      ls.push(labels?.[c] ?? `class-${c}`);
    }
  }
  return { inputs, labels: ls, centres };
}
