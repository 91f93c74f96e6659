import type { KvLike } from '../../worker/heads/kv-like';

/** An in-memory KvLike: the app's request cost without KV I/O (what the CPU-time figures need). */
export class MemoryKv implements KvLike {
  private readonly map = new Map<string, { value: ArrayBuffer | string; metadata: unknown }>();

  /** Number of stored keys. */
  get size(): number {
    return this.map.size;
  }

  async getWithMetadata<M = unknown>(key: string): Promise<{ value: ArrayBuffer | null; metadata: M | null }> {
    const e = this.map.get(key);
    if (!e || typeof e.value === 'string') return { value: null, metadata: null };
    return { value: e.value.slice(0), metadata: (e.metadata ?? null) as M | null };
  }

  async get(key: string): Promise<unknown> {
    const e = this.map.get(key);
    return e && typeof e.value === 'string' ? JSON.parse(e.value) : null;
  }

  async put(key: string, value: ArrayBuffer | string, options?: { metadata?: unknown }): Promise<void> {
    this.map.set(key, { value: typeof value === 'string' ? value : value.slice(0), metadata: options?.metadata });
  }

  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
}
