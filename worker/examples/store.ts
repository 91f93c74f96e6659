import { ExamplesError } from '../../src/examples/ledger';
import type { ExampleCaps, ExamplesErrorCode, HeadCommit, HeadRef, NewExample, Selection, StoredExample, UserState } from '../../src/examples/ledger';

/** Whose examples: the tenant comes from the API key, never from the request. */
export interface UserRef {
  tenant: string;
  model: string;
  user: string;
}

/** A user's examples as one store read them, in one consistent view. */
export interface ExamplesSnapshot {
  /** null: the user has no stored examples (never had, deleted, or expired). */
  state: UserState | null;
  /** In insertion order; `data` is empty unless the read asked for it. */
  examples: StoredExample[];
  /** Bytes of this user's example data. */
  userBytes: number;
  /** Bytes of example data the tenant stores, after this operation. */
  tenantBytes: number;
}

export interface CommitResult {
  accepted: boolean;
  latest: HeadRef | null;
}

/**
 * Where users' examples live, one strongly consistent transaction per call: a Durable Object per
 * tenant on Workers (worker/examples/durable-object.ts), files under the store lock on Node
 * (node/file-examples.ts). Heads stay in the KV head cache; the store only records which head a
 * revision of the examples was adapted into (worker/examples/sync-head.ts has the protocol).
 * Refusals throw ExamplesError (nothing written); an unreachable store throws anything else.
 */
export interface ExamplesStore {
  append(ref: UserRef, batch: NewExample[], caps: ExampleCaps): Promise<ExamplesSnapshot & { added: StoredExample[] }>;
  remove(ref: UserRef, sel: Selection, caps: ExampleCaps): Promise<ExamplesSnapshot & { removed: number }>;
  read(ref: UserRef, opts: { data: boolean }): Promise<ExamplesSnapshot>;
  commit(ref: UserRef, c: HeadCommit): Promise<CommitResult>;
  /** After the user's pointer was written to name `headId`: the latest head (rewrite the pointer if it differs). */
  ack(ref: UserRef, epoch: string, headId: string | null): Promise<{ latest: HeadRef | null }>;
  /** Deletes the user's examples and state (read `state.heads` first: those heads go too); returns how many examples went. */
  deleteUser(ref: UserRef): Promise<{ examples: number }>;
}

/** How a store answers across an RPC boundary, where thrown error classes do not survive. */
export type StoreResult<T> = { ok: true; value: T } | { ok: false; code: ExamplesErrorCode; detail: string };

/** Runs a store operation, turning an ExamplesError into a refusal value (the Durable Object side). */
export function asResult<T>(fn: () => T): StoreResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof ExamplesError) return { ok: false, code: e.code, detail: e.detail };
    throw e;
  }
}

/** The caller's side: a refusal becomes an ExamplesError again. */
export function unwrap<T>(r: StoreResult<T>): T {
  if (r.ok) return r.value;
  throw new ExamplesError(r.code, r.detail);
}
