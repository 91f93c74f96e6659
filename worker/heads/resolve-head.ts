import { adapt } from '../../src/engine/index';
import { decodeHead, encodeHead } from '../../src/head/codec';
import { headIdFor } from '../../src/head/head-id';
import { engineCall } from '../engine-errors';
import { ApiError } from '../problem';
import type { Head } from '../../src/head/head';
import type { InnerOptimizer } from '../../src/spec/model-spec';
import type { FrozenFeatures, SupportSet } from '../../src/engine/index';
import type { ReadyModel } from '../models/registered-model';
import type { HeadStore, HeadMetadata } from './store';

export type CacheStatus = 'hit' | 'miss' | 'unavailable';

export interface ResolvedHead {
  headId: string;
  head: Head;
  cache: CacheStatus;
  /** True when this request ran the inner loop. */
  adapted: boolean;
  steps: number;
  lr: number;
  loss: { before: number | null; after: number | null };
}

export interface TimingHooks {
  measure<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Decodes a cached head; a head that fails to verify is a miss. A head adapted with another bundle
 * than the one the model serves now (the name was repointed in the model store) is `stale`, with
 * the bundle id it was made with: it is never used with the new weights.
 */
export async function readHead(store: HeadStore, tenant: string, m: ReadyModel, headId: string): Promise<{ status: CacheStatus | 'stale'; head?: Head; metadata?: HeadMetadata; madeWith?: string }> {
  const got = await store.getHead(tenant, m.name, headId);
  if (got.status !== 'hit') return { status: got.status };
  try {
    const head = await decodeHead(new Uint8Array(got.value.bytes));
    if (head.modelId !== m.data.id) return { status: 'stale', madeWith: head.modelId };
    return { status: 'hit', head, metadata: got.value.metadata };
  } catch {
    return { status: 'miss' };
  }
}

/**
 * The content-addressed adapt: the same model + support + options is a cache hit that runs nothing
 * and writes nothing; a miss runs the inner loop and stores the head (best effort: a KV fault makes
 * the answer say `cache: "unavailable"`, never fail the request).
 */
export async function adaptCached(
  store: HeadStore,
  tenant: string,
  m: ReadyModel,
  support: SupportSet,
  opts: { steps?: number; lr?: number; optimizer?: InnerOptimizer; user?: string; frozen?: () => FrozenFeatures | undefined },
  timing: TimingHooks,
): Promise<ResolvedHead> {
  const steps = opts.steps ?? m.data.defaults.steps;
  const lr = opts.lr ?? m.data.defaults.lr;
  const optimizer = opts.optimizer ?? m.data.defaults.optimizer ?? 'sgd';
  const headId = await headIdFor(m.data.id, support, { steps, lr, optimizer });
  const cached = await timing.measure('kv-read', () => readHead(store, tenant, m, headId));
  let resolved: ResolvedHead;
  if (cached.head) {
    const md = cached.metadata ?? {};
    resolved = { headId, head: cached.head, cache: 'hit', adapted: false, steps, lr, loss: { before: md.lossBefore ?? null, after: md.lossAfter ?? null } };
  } else {
    const result = await timing.measure('adapt', async () =>
      engineCall(() => {
        // The frozen prefix's rows, when the caller keeps them (stored examples: worker/examples/feature-cache.ts).
        const frozen = opts.frozen?.();
        return adapt(m.model, support, { steps, lr, optimizer, ...(frozen ? { frozen } : {}) });
      }),
    );
    const bytes = await encodeHead(result.head);
    const metadata: HeadMetadata = { steps, lr, lossBefore: result.loss.before, lossAfter: result.loss.after, createdAt: Date.now() };
    const stored = cached.status === 'unavailable' ? false : await timing.measure('kv-write', () => store.putHead(tenant, m.name, headId, bytes, metadata));
    resolved = { headId, head: result.head, cache: stored ? 'miss' : 'unavailable', adapted: true, steps, lr, loss: result.loss };
  }
  if (opts.user !== undefined && resolved.cache !== 'unavailable') {
    if (!(await pointUserAt(store, tenant, m.name, opts.user, headId))) resolved.cache = 'unavailable';
  }
  return resolved;
}

/** The 409 for a head adapted with a bundle the model no longer serves. */
export function staleHead(m: ReadyModel, headId: string, madeWith: string): ApiError {
  const now = `bundle ${m.data.id.slice(0, 12)}${m.version !== undefined ? ` (version ${m.version})` : ''}`;
  return new ApiError(409, 'head_stale', `head ${headId.slice(0, 12)}… was adapted with bundle ${madeWith.slice(0, 12)}; model '${m.name}' now serves ${now}: adapt again, or send \`support\` to re-adapt inline`);
}

/** Points a user at a head (no write when they already point there); false if KV failed. */
export async function pointUserAt(store: HeadStore, tenant: string, model: string, user: string, headId: string): Promise<boolean> {
  const pointer = await store.getPointer(tenant, model, user);
  if (pointer.status === 'unavailable') return false;
  const prev = pointer.status === 'hit' ? pointer.value : undefined;
  return (await store.pointUser(tenant, model, user, headId, prev)) !== 'unavailable';
}
