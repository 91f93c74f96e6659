import { frozenFeatures } from '../../src/engine/index';
import type { FrozenFeatures } from '../../src/engine/index';
import type { StoredExample } from '../../src/examples/ledger';
import type { ReadyModel } from '../models/registered-model';
import type { UserRef } from './store';

/** Rows kept per isolate: ~1.1 KB each for glyphs (288 floats), so ≈ 9 MB at most. */
const MAX_ROWS = 8192;

/**
 * The frozen prefix's output for stored examples, per isolate, least recently used out first. A user
 * who appends one example to 24 then runs the prefix over one image, not 25 (models with scope
 * 'film' or 'late'; src/engine/feature-path.ts). Keys name the bundle, the tenant, the user and the
 * example (ids are unique per user incarnation), so a row is only ever used for the example it was
 * computed from, with the weights it was computed with. The head is bit-for-bit the same either way.
 */
export class FeatureCache {
  private readonly rows = new Map<string, { shape: number[]; row: Float32Array }>();
  hits = 0;
  misses = 0;
  constructor(private readonly maxRows = MAX_ROWS) {}

  get size(): number {
    return this.rows.size;
  }

  /** The rows of these examples in order: cached ones reused, the others computed (in one batch) and kept; undefined for models without a frozen prefix. */
  frozenFor(m: ReadyModel, ref: UserRef, examples: readonly StoredExample[], inputs: number[][]): FrozenFeatures | undefined {
    if (m.data.defaults.scope !== 'film' && m.data.defaults.scope !== 'late') return undefined;
    const keys = examples.map((e) => [m.data.id, ref.tenant, ref.model, ref.user, e.id].join('\u0000'));
    const found = keys.map((k) => this.take(k));
    const missing = found.flatMap((f, i) => (f ? [] : [i]));
    this.hits += examples.length - missing.length;
    this.misses += missing.length;
    if (missing.length > 0) {
      const computed = frozenFeatures(m.model, missing.map((i) => inputs[i]!));
      if (!computed) return undefined;
      missing.forEach((i, j) => {
        found[i] = { shape: computed.shape, row: computed.rows[j]! };
        this.put(keys[i]!, found[i]!);
      });
    }
    return { shape: found[0]?.shape ?? [], rows: found.map((f) => f!.row) };
  }

  private take(key: string): { shape: number[]; row: Float32Array } | undefined {
    const hit = this.rows.get(key);
    if (hit) {
      this.rows.delete(key);
      this.rows.set(key, hit);
    }
    return hit;
  }

  private put(key: string, v: { shape: number[]; row: Float32Array }): void {
    this.rows.set(key, v);
    while (this.rows.size > this.maxRows) this.rows.delete(this.rows.keys().next().value!);
  }
}

/** This isolate's cache (module state lives as long as the isolate). */
export const featureCache = new FeatureCache();
