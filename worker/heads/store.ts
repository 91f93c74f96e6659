import { adaptIndexKey, headKey, userKey } from './keys';
import type { KvLike } from './kv-like';

/** A user's pointer: the latest head and every head they created (for deletion). */
export interface UserPointer {
  latest: string;
  heads: string[];
}

/** Small facts kept in KV metadata beside a head (KV metadata ≤ 1 KiB: no labels here). */
export interface HeadMetadata {
  steps?: number;
  lr?: number;
  lossBefore?: number;
  lossAfter?: number;
  /** Steps the inner loop took (fewer than `steps` when the guard kept the model) and the guard's verdict. */
  stepsUsed?: number;
  guard?: 'adapted' | 'kept' | 'unchecked';
  createdAt?: number;
  /** 'upload' for a head adapted elsewhere (a phone) and sent as bytes. */
  source?: 'adapt' | 'upload';
}

export interface StoredHead {
  bytes: ArrayBuffer;
  metadata: HeadMetadata;
}

/** `damaged`: something is stored but is not a valid value (a torn write); it reads as a miss and is overwritten. */
export type CacheRead<T> = { status: 'hit'; value: T } | { status: 'miss'; damaged?: boolean } | { status: 'unavailable'; reason: string };

export interface HeadStoreOptions {
  ttlSeconds: number;
  cacheTtlSeconds: number;
  /** KV calls slower than this count as unavailable: a cache must never hold a request hostage. */
  timeoutMs?: number;
  /** Heads remembered per user pointer; older ones expire by TTL. */
  maxHeadsPerUser?: number;
}

const POINTER_MAX = 32;

async function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  let id: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    id = setTimeout(() => reject(new Error(`KV timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    if (id !== undefined) clearTimeout(id);
  }
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

function isPointer(v: unknown): v is UserPointer {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return typeof p.latest === 'string' && Array.isArray(p.heads) && p.heads.every((h) => typeof h === 'string');
}

const HEAD_ID = /^[0-9a-f]{64}$/;

/** The tenant-scoped head cache over KV; every failure degrades to 'unavailable', never throws. */
export class HeadStore {
  private readonly timeoutMs: number;
  constructor(
    private readonly kv: KvLike,
    private readonly opts: HeadStoreOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 2_000;
  }

  /** Reads a head's bytes and the metadata stored with them. */
  async getHead(tenant: string, model: string, headId: string): Promise<CacheRead<StoredHead>> {
    try {
      const key = headKey(tenant, model, headId);
      const v = await bounded(this.kv.getWithMetadata<HeadMetadata>(key, { type: 'arrayBuffer', cacheTtl: this.opts.cacheTtlSeconds }), this.timeoutMs);
      return v.value ? { status: 'hit', value: { bytes: v.value, metadata: v.metadata ?? {} } } : { status: 'miss' };
    } catch (e) {
      return { status: 'unavailable', reason: reason(e) };
    }
  }

  /** Stores a head's bytes with the configured TTL. */
  async putHead(tenant: string, model: string, headId: string, bytes: Uint8Array, metadata: HeadMetadata): Promise<boolean> {
    try {
      const copy = bytes.slice().buffer;
      await bounded(this.kv.put(headKey(tenant, model, headId), copy, { expirationTtl: this.opts.ttlSeconds, metadata }), this.timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  /** Reads the adapt index: which head (by id) an adaptation request made before. */
  async getAdaptIndex(tenant: string, model: string, adaptKey: string): Promise<CacheRead<string>> {
    let v: unknown;
    try {
      v = await bounded(this.kv.get(adaptIndexKey(tenant, model, adaptKey), { type: 'json', cacheTtl: this.opts.cacheTtlSeconds }), this.timeoutMs);
    } catch (e) {
      if (e instanceof SyntaxError) return { status: 'miss', damaged: true };
      return { status: 'unavailable', reason: reason(e) };
    }
    if (v == null) return { status: 'miss' };
    const headId = (v as { headId?: unknown }).headId;
    return typeof headId === 'string' && HEAD_ID.test(headId) ? { status: 'hit', value: headId } : { status: 'miss', damaged: true };
  }

  /** Records that an adaptation request made head `headId` (same TTL as the head). */
  async putAdaptIndex(tenant: string, model: string, adaptKey: string, headId: string): Promise<boolean> {
    try {
      await bounded(this.kv.put(adaptIndexKey(tenant, model, adaptKey), JSON.stringify({ headId }), { expirationTtl: this.opts.ttlSeconds }), this.timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  /** Reads a user's pointer. */
  async getPointer(tenant: string, model: string, user: string): Promise<CacheRead<UserPointer>> {
    let v: unknown;
    try {
      v = await bounded(this.kv.get(userKey(tenant, model, user), { type: 'json' }), this.timeoutMs);
    } catch (e) {
      // A pointer that is not JSON is damaged data, not an outage: as a miss, the next adapt rewrites it.
      if (e instanceof SyntaxError) return { status: 'miss', damaged: true };
      return { status: 'unavailable', reason: reason(e) };
    }
    if (v == null) return { status: 'miss' };
    return isPointer(v) ? { status: 'hit', value: v } : { status: 'miss', damaged: true };
  }

  /** Points the user at `headId` unless they already point there (KV allows ~1 write/s per key). */
  async pointUser(tenant: string, model: string, user: string, headId: string, previous?: UserPointer): Promise<'unchanged' | 'written' | 'unavailable'> {
    if (previous?.latest === headId) return 'unchanged';
    const heads = [headId, ...(previous?.heads ?? []).filter((h) => h !== headId)].slice(0, this.opts.maxHeadsPerUser ?? POINTER_MAX);
    try {
      await bounded(this.kv.put(userKey(tenant, model, user), JSON.stringify({ latest: headId, heads }), { expirationTtl: this.opts.ttlSeconds }), this.timeoutMs);
      return 'written';
    } catch {
      return 'unavailable';
    }
  }

  /** Deletes one head (a user's examples superseded it); false if KV failed. */
  async deleteHead(tenant: string, model: string, headId: string): Promise<boolean> {
    try {
      await bounded(this.kv.delete(headKey(tenant, model, headId)), this.timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  /** Deletes one adapt-index entry (its head is being deleted with its user); false if KV failed. */
  async deleteAdaptIndex(tenant: string, model: string, adaptKey: string): Promise<boolean> {
    try {
      await bounded(this.kv.delete(adaptIndexKey(tenant, model, adaptKey)), this.timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  /** Deletes a user's pointer only (their examples no longer make a head); false if KV failed. */
  async deletePointer(tenant: string, model: string, user: string): Promise<boolean> {
    try {
      await bounded(this.kv.delete(userKey(tenant, model, user)), this.timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  /** Deletes a user's heads, then their pointer; returns how many heads were deleted, or throws if KV failed. */
  async deleteUser(tenant: string, model: string, user: string): Promise<number> {
    const pointer = await this.getPointer(tenant, model, user);
    if (pointer.status === 'unavailable') throw new Error(pointer.reason);
    if (pointer.status === 'miss') {
      // A damaged pointer lists no heads we could find, but the pointer itself must go.
      if (pointer.damaged) await bounded(this.kv.delete(userKey(tenant, model, user)), this.timeoutMs);
      return 0;
    }
    const heads = pointer.value.heads;
    await bounded(Promise.all(heads.map((h) => this.kv.delete(headKey(tenant, model, h)))), this.timeoutMs);
    // The pointer goes last: if a head delete failed, a retry still finds the list.
    await bounded(this.kv.delete(userKey(tenant, model, user)), this.timeoutMs);
    return heads.length;
  }
}
