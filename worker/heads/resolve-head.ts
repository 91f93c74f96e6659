import { adapt } from '../../src/engine/index';
import { decodeHead, encodeHead } from '../../src/head/codec';
import { adaptKeyFor, headIdOf } from '../../src/head/head-id';
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
  /** The adapt cache's index key of this request (absent when the head came from elsewhere). */
  adaptKey?: string;
  /** Steps actually taken; with a guard, 0 when it kept the model as it was. */
  stepsUsed: number;
  guard?: { verdict: 'adapted' | 'kept' | 'unchecked'; reason?: string; heldOut?: { before: number; after: number; accuracyBefore: number; accuracyAfter: number } };
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
export async function readHead(
  store: HeadStore,
  tenant: string,
  m: ReadyModel,
  headId: string,
): Promise<{ status: CacheStatus | 'stale'; head?: Head; bytes?: Uint8Array; metadata?: HeadMetadata; madeWith?: string }> {
  const got = await store.getHead(tenant, m.name, headId);
  if (got.status !== 'hit') return { status: got.status };
  try {
    const bytes = new Uint8Array(got.value.bytes);
    const head = await decodeHead(bytes);
    if (head.modelId !== m.data.id) return { status: 'stale', madeWith: head.modelId };
    return { status: 'hit', head, bytes, metadata: got.value.metadata };
  } catch {
    return { status: 'miss' };
  }
}

interface Adapted {
  status: CacheStatus;
  headId?: string;
  head?: Head;
  metadata?: HeadMetadata;
  /** Found under its adapt key (stored before ids were unified): to be re-stored under its id. */
  legacyBytes?: Uint8Array;
}

/**
 * The head an adaptation request made before: the index (`v1:adapt:…` → headId), then the head.
 * On an index miss, the adapt key itself is tried as a head key — where heads were stored before
 * the head id became the SHA-256 of the bytes (this read can go once HEAD_TTL_SECONDS has passed
 * since then, as every such head has expired).
 */
async function findAdapted(store: HeadStore, tenant: string, m: ReadyModel, adaptKey: string): Promise<Adapted> {
  const index = await store.getAdaptIndex(tenant, m.name, adaptKey);
  if (index.status === 'unavailable') return { status: 'unavailable' };
  if (index.status === 'hit') {
    const got = await readHead(store, tenant, m, index.value);
    if (got.status === 'unavailable') return { status: 'unavailable' };
    // Expired, deleted with its user, or damaged: adapt again (which rewrites head and index).
    return got.head ? { status: 'hit', headId: index.value, head: got.head, metadata: got.metadata } : { status: 'miss' };
  }
  const legacy = await readHead(store, tenant, m, adaptKey);
  if (legacy.status === 'unavailable') return { status: 'unavailable' };
  if (!legacy.head) return { status: 'miss' };
  return { status: 'hit', headId: await headIdOf(legacy.bytes!), head: legacy.head, metadata: legacy.metadata, legacyBytes: legacy.bytes };
}

/** Stores a head under its id, then the index entry that finds it (head first: the index never points at nothing). */
async function storeAdapted(store: HeadStore, tenant: string, m: ReadyModel, adaptKey: string, headId: string, bytes: Uint8Array, metadata: HeadMetadata): Promise<boolean> {
  return (await store.putHead(tenant, m.name, headId, bytes, metadata)) && (await store.putAdaptIndex(tenant, m.name, adaptKey, headId));
}

/**
 * The cached adapt: the same model + support + options is a cache hit that runs nothing and writes
 * nothing; a miss runs the inner loop and stores the head under its id, the SHA-256 of its bytes
 * (best effort: a KV fault makes the answer say `cache: "unavailable"`, never fail the request).
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
  const adaptKey = await adaptKeyFor(m.data.id, support, { steps, lr, optimizer });
  const cached = await timing.measure('kv-read', () => findAdapted(store, tenant, m, adaptKey));
  let resolved: ResolvedHead;
  if (cached.head) {
    const md = cached.metadata ?? {};
    const headId = cached.headId!;
    // A head from before ids were unified is re-stored once under its id, so that id resolves.
    const kept = cached.legacyBytes ? await timing.measure('kv-write', () => storeAdapted(store, tenant, m, adaptKey, headId, cached.legacyBytes!, md)) : true;
    resolved = { headId, head: cached.head, cache: kept ? 'hit' : 'unavailable', adapted: false, steps, lr, stepsUsed: md.stepsUsed ?? steps, loss: { before: md.lossBefore ?? null, after: md.lossAfter ?? null } };
    if (md.guard) resolved.guard = { verdict: md.guard };
  } else {
    const result = await timing.measure('adapt', async () =>
      engineCall(() => {
        // The frozen prefix's rows, when the caller keeps them (stored examples: worker/examples/feature-cache.ts).
        const frozen = opts.frozen?.();
        return adapt(m.model, support, { steps, lr, optimizer, ...(frozen ? { frozen } : {}) });
      }),
    );
    const bytes = await encodeHead(result.head);
    const headId = await headIdOf(bytes);
    const metadata: HeadMetadata = { steps, lr, lossBefore: result.loss.before, lossAfter: result.loss.after, stepsUsed: result.stepsUsed, createdAt: Date.now() };
    if (result.guard) metadata.guard = result.guard.verdict;
    const stored = cached.status === 'unavailable' ? false : await timing.measure('kv-write', () => storeAdapted(store, tenant, m, adaptKey, headId, bytes, metadata));
    resolved = { headId, head: result.head, cache: stored ? 'miss' : 'unavailable', adapted: true, steps, lr, stepsUsed: result.stepsUsed, loss: result.loss };
    if (result.guard) resolved.guard = result.guard;
  }
  resolved.adaptKey = adaptKey;
  if (opts.user !== undefined && resolved.cache !== 'unavailable') {
    if (!(await pointUserAt(store, tenant, m.name, opts.user, resolved.headId))) resolved.cache = 'unavailable';
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
