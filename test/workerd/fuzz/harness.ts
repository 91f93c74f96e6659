import { env } from 'cloudflare:workers';
import { createApp } from '../../../worker/app';
import { FaultyKv } from '../../../worker/heads/faulty-kv';
import { initWorkerdBackend } from '../../../wasm/workerd';
import tiny from '../../fixtures/tiny.fsb';
import tinySine from '../../fixtures/tiny-sine.fsb';
import type { FaultPlan } from '../../../worker/heads/faulty-kv';
import type { KvLike } from '../../../worker/heads/kv-like';
import type { Bindings } from '../../../worker/types';

/** Keys of the test tenants: the three of vitest.config.ts plus four private to these tests (one file each). */
export const KEYS = { local: 'local-dev-key', alpha: 'key-alpha', beta: 'key-beta', fuzz: 'key-fuzz', gamma: 'key-gamma', delta: 'key-delta', epsilon: 'key-epsilon' } as const;

/** sha256(key) → tenant, as API_KEYS holds them. */
export const KEY_HASHES: Record<keyof typeof KEYS, string> = {
  local: 'ed5a18fb8f807f996d649e379d3f35f39c543a91bdbf88c492f2ebd10d4df86c',
  alpha: '39a00d29356083a9c9d65c14652350d61b11d5d2e8582da510887c8e11be08c8',
  beta: '8fd493b2a681a4810d9fd40526a9de960deb255e7bfbb1c4d509d06d6da6ff5b',
  fuzz: 'bc664f9236fa4d59280aeb6ef0a83ee85f72c4a92e4c86b29dbc4aae7afd51c1',
  gamma: '48dcfc29339fe4f9ae052b80ed0ced40dc21f90a6e5da1a9076ff463be0e2cbb',
  delta: 'ec92e392f8d52e2bca263be39a19bfb8b533999d5b477e520b845d680c5681ba',
  epsilon: '886277bfc1c456596d0d1c32b646bcd186fbdfaa22859c3cd6d8684d182504d1',
};

const API_KEYS = JSON.stringify(Object.fromEntries(Object.entries(KEY_HASHES).map(([tenant, hash]) => [hash, tenant])));

/**
 * The bindings the app sees: the real ones with our own tenants added. 'fuzz' (API fuzzing), 'gamma'
 * (KV faults) and 'delta'/'epsilon' (tenancy) are each used by one test file only, so their KV
 * prefixes can be snapshotted while other files run.
 */
export const testEnv: Bindings = Object.create(env, { API_KEYS: { value: API_KEYS, enumerable: true } });

/** A number binding (set by vitest.fuzz.config.ts), or the default. */
export function numberVar(name: string, fallback: number): number {
  const raw = (env as unknown as Record<string, unknown>)[name];
  const n = typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export type Call = (method: string, path: string, opts?: CallOptions) => Promise<Response>;

export interface CallOptions {
  key?: string | null;
  body?: unknown;
  raw?: string | ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
}

/** An app over the real workerd KV seen through a FaultyKv (no faults unless a plan is given). */
export function makeFuzzApp(plan: FaultPlan = {}, seed = 1) {
  const kv = new FaultyKv(env.HEADS as unknown as KvLike, plan, seed);
  const app = createApp({
    backend: () => initWorkerdBackend(),
    kv: () => kv,
    bundles: [
      { name: 'tiny', bytes: async () => tiny },
      { name: 'tiny-sine', bytes: async () => tinySine },
    ],
  });
  const call: Call = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.key !== null && headers.authorization === undefined) headers.authorization = `Bearer ${opts.key ?? KEYS.fuzz}`;
    let body: BodyInit | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers, body };
    return app.request(`http://api.test${path}`, init, testEnv);
  };
  return { app, kv, call };
}

/** Every key and value (hex) a tenant holds in KV: heads, adapt index entries and user pointers. */
export async function snapshotTenant(tenant: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const prefix of [`v1:head:${tenant}:`, `v1:adapt:${tenant}:`, `v1:user:${tenant}:`]) {
    let cursor: string | undefined;
    do {
      const page = await env.HEADS.list({ prefix, cursor });
      for (const k of page.keys) {
        const v = await env.HEADS.get(k.name, 'arrayBuffer');
        out.set(k.name, v ? [...new Uint8Array(v)].map((b) => b.toString(16).padStart(2, '0')).join('') : 'null');
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
  }
  return out;
}

/** Captures console output (the worker's logs) while `fn` runs; the lines are returned, not printed. */
export async function captureConsole<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) console[m] = (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : safeString(a))).join(' '));
  try {
    return { result: await fn(), lines };
  } finally {
    methods.forEach((m, i) => (console[m] = saved[i]!));
  }
}

function safeString(v: unknown): string {
  try {
    return v instanceof Error ? `${v.name}: ${v.message}\n${v.stack ?? ''}` : JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Seeded 16-d support sets for the 'tiny' fixture: the API tests' generator. */
export { support } from '../api/harness';
