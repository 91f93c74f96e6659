import { makesHead as makesHeadFor, supportOf } from '../../src/examples/batch';
import { adaptCached, pointUserAt } from '../heads/resolve-head';
import { featureCache } from './feature-cache';
import type { Head } from '../../src/head/head';
import type { HeadRef, StoredExample, UserState } from '../../src/examples/ledger';
import type { CacheStatus, TimingHooks } from '../heads/resolve-head';
import type { HeadStore } from '../heads/store';
import type { ReadyModel } from '../models/registered-model';
import type { CommitResult, ExamplesSnapshot, ExamplesStore, UserRef } from './store';

export { supportOf };

/** Whether these examples make a head with this model (src/examples/batch.ts). */
export const makesHead = (m: ReadyModel, examples: readonly StoredExample[]): boolean => makesHeadFor({ spec: m.data.spec, inputSize: m.model.inputSize, defaults: m.data.defaults }, examples);

/** What one request needs to bring a user's head in line with their examples. */
export interface ExamplesContext {
  examples: ExamplesStore;
  heads: HeadStore;
  m: ReadyModel;
  ref: UserRef;
  timing: TimingHooks;
  /** HEAD_TTL_SECONDS: how long KV keeps a head (the store forgets older head ids). */
  headTtlSeconds: number;
}

export interface HeadOutcome {
  /** null: the examples make no head (none left, or one class of a model that needs two). */
  headId: string | null;
  head: Head | null;
  /** 'unavailable': KV failed, the head was not stored (the next call stores it). */
  cache: CacheStatus;
  /** This request ran the inner loop. */
  adapted: boolean;
  /** The head was re-made without an example change: the model was updated, or a head was lost. */
  readapted: boolean;
  steps: number | null;
  lr: number | null;
  loss: { before: number | null; after: number | null };
}

/** Why a snapshot's head needs work: a newer revision, another model, or a pointer never confirmed. */
export function headLag(m: ReadyModel, state: UserState | null): 'none' | 'adapt' | 'pointer' {
  if (!state) return 'none';
  const h = state.head;
  if (!h || h.revision < state.revision || (h.headId !== null && h.modelId !== m.data.id)) return 'adapt';
  return state.synced ? 'none' : 'pointer';
}

const NO_HEAD = { head: null, adapted: false, readapted: false, steps: null, lr: null, loss: { before: null, after: null } };

/**
 * Makes the head of a snapshot of the user's examples current, in this order — each step safe to
 * crash after: (1) adapt, or find the head in the cache, and store it in KV (content-addressed, so
 * storing twice is harmless); (2) commit it to the examples store, which keeps it only if no newer
 * revision's head is there (and remembers its id, so deleting the user deletes it); (3) write the
 * user's KV pointer; (4) ack to the store, which answers with
 * the latest head — if another request committed a newer one meanwhile, its head is written again,
 * so the pointer always ends on the latest head whatever order concurrent requests finish in.
 * A step that fails leaves the store saying so (`head` behind `revision`, or `synced: false`), and
 * the user's next call finishes the work (`headLag`).
 */
export async function settleHead(ctx: ExamplesContext, snap: ExamplesSnapshot, opts: { steps?: number; lr?: number; readapt: boolean }): Promise<HeadOutcome> {
  const { examples, heads, m, ref, timing } = ctx;
  const state = snap.state!;
  let out: HeadOutcome;
  let adaptKey: string | undefined;
  if (!makesHead(m, snap.examples)) {
    out = { ...NO_HEAD, headId: null, cache: 'hit' };
  } else {
    const support = await timing.measure('decode', async () => supportOf(snap.examples));
    const frozen = () => featureCache.frozenFor(m, ref, snap.examples, support.inputs);
    const r = await adaptCached(heads, ref.tenant, m, support, { steps: opts.steps, lr: opts.lr, frozen }, timing);
    out = { headId: r.headId, head: r.head, cache: r.cache, adapted: r.adapted, readapted: opts.readapt && r.adapted, steps: r.steps, lr: r.lr, loss: r.loss };
    adaptKey = r.adaptKey;
    // A head KV could not keep is not committed: the store still says the head lags, and the next call retries.
    if (r.cache === 'unavailable') return out;
  }
  let c: CommitResult;
  try {
    const commit = { epoch: state.epoch, revision: state.revision, headId: out.headId, modelId: m.data.id, readapt: out.readapted, at: Date.now(), headTtlMs: ctx.headTtlSeconds * 1000, ...(adaptKey ? { adaptKey } : {}) };
    c = await timing.measure('commit', () => examples.commit(ref, commit));
  } catch {
    // The store did not take the head: it still says the head lags, and the next call commits it.
    return { ...out, cache: 'unavailable' };
  }
  if (!c.accepted) return out; // a newer revision's head is committed; its request points the user at it
  if (!(await timing.measure('pointer', () => syncPointer(ctx, state.epoch, c.latest).catch(() => false)))) out.cache = 'unavailable';
  return out;
}

/** Writes the user's pointer to the latest head and acks, until the store confirms it (bounded). */
export async function syncPointer(ctx: ExamplesContext, epoch: string, target: HeadRef | null): Promise<boolean> {
  const { examples, heads, m, ref, timing } = ctx;
  for (let round = 0; target && round < 4; round++) {
    const headId = target.headId;
    const written = headId === null ? await heads.deletePointer(ref.tenant, m.name, ref.user) : await pointUserAt(heads, ref.tenant, m.name, ref.user, headId);
    if (!written) return false;
    const ack = await examples.ack(ref, epoch, headId);
    if (!ack.latest || ack.latest.headId === headId) return true;
    target = ack.latest;
  }
  // Still moving after four rounds: the requests committing newer heads write their own pointers.
  return true;
}

/**
 * Brings the head of a user up to date if it lags (after a crash, a KV outage or a model update):
 * re-adapts from the stored examples, or only rewrites the pointer. `null` when nothing was needed.
 */
export async function repairHead(ctx: ExamplesContext, snap: ExamplesSnapshot): Promise<HeadOutcome | null> {
  const lag = headLag(ctx.m, snap.state);
  if (lag === 'none') return null;
  if (lag === 'pointer') {
    const h = snap.state!.head!;
    const ok = await syncPointer(ctx, snap.state!.epoch, h);
    return { ...NO_HEAD, headId: h.headId, cache: ok ? 'hit' : 'unavailable' };
  }
  const full = await ctx.timing.measure('examples', () => ctx.examples.read(ctx.ref, { data: true }));
  if (headLag(ctx.m, full.state) !== 'adapt') return null; // repaired by someone else meanwhile
  return settleHead(ctx, full, { readapt: true });
}

/**
 * Predict's fallback for a user whose head cannot be used (missing, unreadable, stale): the head of
 * their stored examples, re-adapted with the current model. `null` when they have none that make a
 * head, or the store cannot be read (predict then answers as it would without examples).
 */
export async function headFromExamples(ctx: ExamplesContext): Promise<HeadOutcome | null> {
  let snap: ExamplesSnapshot;
  try {
    snap = await ctx.timing.measure('examples', () => ctx.examples.read(ctx.ref, { data: true }));
  } catch {
    return null;
  }
  if (!snap.state || !makesHead(ctx.m, snap.examples)) return null;
  return settleHead(ctx, snap, { readapt: true });
}
