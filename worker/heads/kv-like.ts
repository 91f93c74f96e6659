/** The subset of Workers KV the head cache uses, so faults can be injected by wrapping it. */
export interface KvLike {
  getWithMetadata<M = unknown>(
    key: string,
    options: { type: 'arrayBuffer'; cacheTtl?: number },
  ): Promise<{ value: ArrayBuffer | null; metadata: M | null }>;
  get(key: string, options: { type: 'json'; cacheTtl?: number }): Promise<unknown>;
  put(key: string, value: ArrayBuffer | string, options?: { expirationTtl?: number; metadata?: unknown }): Promise<void>;
  delete(key: string): Promise<void>;
}
