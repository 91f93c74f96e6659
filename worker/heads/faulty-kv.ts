import { createRng } from '../../src/util/random';
import type { Rng } from '../../src/util/random';
import type { KvLike } from './kv-like';

export type KvOp = 'get' | 'put' | 'delete';

/** How a put can "succeed" while storing damaged bytes (a torn or rotted write). */
export type Corruption = 'truncate' | 'bitflip';

/** What to break. Rates are probabilities in [0, 1], drawn from the seeded PRNG per call. */
export interface FaultPlan {
  /** Chance that an operation throws (as a KV outage would). 1 = always fails. */
  failRate?: Partial<Record<KvOp, number>>;
  /** Delay before an operation runs, in ms; Infinity = it never settles (a hung KV call). */
  hangMs?: Partial<Record<KvOp, number>>;
  /** Chance that a put resolves normally but stores damaged bytes. */
  corruptWriteRate?: number;
  /** Chance that a get returns damaged bytes (what a torn read would look like). */
  corruptReadRate?: number;
  /** Which damage; by default each corruption picks one at random. */
  corruption?: Corruption;
}

export interface FaultStats {
  calls: Record<KvOp, number>;
  failed: number;
  hung: number;
  corruptedWrites: number;
  corruptedReads: number;
}

type PutOptions = { expirationTtl?: number; metadata?: unknown };

/**
 * A fault-injecting KvLike: wraps a real namespace and makes its calls fail, hang, or store damaged
 * bytes, reproducibly from a seed. The head store must degrade every such fault to a cache miss or
 * 'unavailable', and never serve bytes that do not verify.
 */
export class FaultyKv implements KvLike {
  readonly stats: FaultStats = { calls: { get: 0, put: 0, delete: 0 }, failed: 0, hung: 0, corruptedWrites: 0, corruptedReads: 0 };
  /** Keys whose stored value was damaged on write (until a clean write replaces it). */
  readonly corruptedKeys = new Set<string>();
  private rng: Rng;

  constructor(
    private readonly inner: KvLike,
    public plan: FaultPlan = {},
    seed = 1,
  ) {
    this.rng = createRng(seed);
  }

  /** Replaces the fault plan (and optionally reseeds), e.g. to heal the KV mid-test. */
  setPlan(plan: FaultPlan, seed?: number): void {
    this.plan = plan;
    if (seed !== undefined) this.rng = createRng(seed);
  }

  /** Counts writes and deletes, the calls a rejected request must never make. */
  mutations(): number {
    return this.stats.calls.put + this.stats.calls.delete;
  }

  async getWithMetadata<M = unknown>(key: string, options: { type: 'arrayBuffer'; cacheTtl?: number }): Promise<{ value: ArrayBuffer | null; metadata: M | null }> {
    await this.gate('get');
    const got = await this.inner.getWithMetadata<M>(key, options);
    if (got.value && this.chance(this.plan.corruptReadRate)) {
      this.stats.corruptedReads++;
      return { value: this.damage(new Uint8Array(got.value)).slice().buffer, metadata: got.metadata };
    }
    return got;
  }

  async get(key: string, options: { type: 'json'; cacheTtl?: number }): Promise<unknown> {
    await this.gate('get');
    return this.inner.get(key, options);
  }

  async put(key: string, value: ArrayBuffer | string, options?: PutOptions): Promise<void> {
    await this.gate('put');
    if (this.chance(this.plan.corruptWriteRate)) {
      this.stats.corruptedWrites++;
      this.corruptedKeys.add(key);
      const damaged = typeof value === 'string' ? this.damageText(value) : this.damage(new Uint8Array(value)).slice().buffer;
      return this.inner.put(key, damaged, options);
    }
    this.corruptedKeys.delete(key);
    return this.inner.put(key, value, options);
  }

  async delete(key: string): Promise<void> {
    await this.gate('delete');
    this.corruptedKeys.delete(key);
    return this.inner.delete(key);
  }

  private chance(rate: number | undefined): boolean {
    // Draw only when a rate is set, so adding a fault elsewhere does not shift this op's sequence.
    return rate !== undefined && rate > 0 && this.rng.next() < rate;
  }

  private async gate(op: KvOp): Promise<void> {
    this.stats.calls[op]++;
    const hang = this.plan.hangMs?.[op];
    if (hang !== undefined && hang > 0) {
      this.stats.hung++;
      // A never-settling promise, not a long timer: nothing keeps the isolate busy after the test.
      await (hang === Infinity ? new Promise<never>(() => {}) : new Promise((r) => setTimeout(r, hang)));
    }
    if (this.chance(this.plan.failRate?.[op])) {
      this.stats.failed++;
      throw new Error(`injected KV ${op} failure`);
    }
  }

  /** A damaged copy: truncated to a shorter length, or one bit flipped. Never identical to the input. */
  private damage(bytes: Uint8Array): Uint8Array {
    const kind = this.plan.corruption ?? (this.rng.next() < 0.5 ? 'truncate' : 'bitflip');
    if (kind === 'truncate' || bytes.length === 0) return bytes.slice(0, this.rng.int(bytes.length));
    const out = bytes.slice();
    const at = this.rng.int(out.length);
    out[at]! ^= 1 << this.rng.int(8);
    return out;
  }

  private damageText(text: string): string {
    const bytes = this.damage(new TextEncoder().encode(text));
    // Lossy decoding is the point: a torn UTF-8 sequence reads back as U+FFFD, as a real torn write would.
    return new TextDecoder().decode(bytes);
  }
}
