import { env } from 'cloudflare:workers';
import { createApp } from '../../../worker/app';
import { initWorkerdBackend } from '../../../wasm/workerd';
import { KEYS } from '../api/harness';
import tiny from '../../fixtures/tiny.fsb';
import tinySine from '../../fixtures/tiny-sine.fsb';
import type { R2Like, R2ObjectLike, R2PutOptionsLike } from '../../../src/store/r2-like';

let seq = 0;

/**
 * The real local R2 bucket (miniflare, the `MODELS` binding) under a prefix of its own, so every
 * test starts from an empty store; it can hold back reads of one key, or fail every read.
 */
export class TestBucket implements R2Like {
  readonly prefix = `t${++seq}-${Date.now()}/`;
  gets: string[] = [];
  failReads = false;
  private held = new Map<string, { release: () => void; wait: Promise<void> }>();
  constructor(readonly inner: R2Bucket = env.MODELS) {}

  /** Reads of `key` wait until `release()` is called. */
  hold(key: string): () => void {
    let release!: () => void;
    const wait = new Promise<void>((r) => (release = r));
    this.held.set(key, { release, wait });
    return () => {
      this.held.delete(key);
      release();
    };
  }

  async get(key: string): Promise<R2ObjectLike | null> {
    this.gets.push(key);
    if (this.failReads) throw new Error('injected R2 outage');
    await this.held.get(key)?.wait;
    return this.inner.get(this.prefix + key);
  }

  async put(key: string, value: ArrayBuffer | Uint8Array | string, options?: R2PutOptionsLike) {
    return this.inner.put(this.prefix + key, value, options);
  }

  async delete(key: string) {
    await this.inner.delete(this.prefix + key);
  }
}

/** An app over the fixture bundles (embedded: tiny, tiny-sine) and a fresh store; the manifest is re-read on every request. */
export function storeApp(bucket = new TestBucket(), refreshSeconds = '0') {
  const app = createApp({
    backend: () => initWorkerdBackend(),
    bundles: [
      { name: 'tiny', bytes: async () => tiny },
      { name: 'tiny-sine', bytes: async () => tinySine },
    ],
    store: () => bucket,
  });
  const vars = { ...env, MODELS_REFRESH_SECONDS: refreshSeconds };
  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const headers: Record<string, string> = { authorization: `Bearer ${KEYS.local}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(`http://api.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, vars);
    return { status: res.status, json: (await res.json()) as T };
  };
  return { app, bucket, call };
}

/** Lets background loads (started by one request, awaited by none) finish. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 5));
}
