import type { ExampleEncoding } from './codec';

/**
 * The bookkeeping of one user's stored examples, as pure functions over a record: append, remove,
 * and the head it was adapted into. Every store (the worker's Durable Object, `fewshot serve`'s
 * files, the browser's IndexedDB) loads a record, applies one of these and writes the result in
 * one transaction, so the rules — caps, revisions, which head wins — are the same everywhere.
 */

export type Label = string | number;

/** An example as the caller gave it, input already encoded (src/examples/codec.ts). */
export interface NewExample {
  label: Label;
  enc: ExampleEncoding;
  data: Uint8Array;
}

export interface StoredExample extends NewExample {
  /** Opaque, unique per user incarnation: `<epoch>-<seq>`. */
  id: string;
  /** Insertion order; heads are adapted over the examples in this order. */
  seq: number;
  /** ms since the epoch. */
  addedAt: number;
}

/** The head a revision of the examples was adapted into; `headId: null` = the examples make no head (fewer than 2 classes, or none). */
export interface HeadRef {
  revision: number;
  headId: string | null;
  /** The bundle id the head was adapted with (a model update makes it stale). */
  modelId: string | null;
}

/** A user's examples state, without the examples. */
export interface UserState {
  /** Random per incarnation of the user: a head computed before the user was deleted never lands after. */
  epoch: string;
  /** Bumped by every change to the examples. */
  revision: number;
  nextSeq: number;
  createdAt: number;
  updatedAt: number;
  /** ms since the epoch; null = kept until deleted. */
  expiresAt: number | null;
  /** The latest head committed for these examples. */
  head: HeadRef | null;
  /** True once the user's KV pointer is known to name `head` (false: the next call rewrites it). */
  synced: boolean;
  /** Heads re-adapted without an example change (after a model update, or to repair a lost head). */
  readapts: number;
  /**
   * Every head committed for these examples (and its adapt-index key), oldest first, while the head
   * cache may still hold it (entries older than the head TTL are dropped): deleting the user deletes them. Replaced heads are
   * not deleted as they are replaced, because a head is content-addressed and another user with
   * the same examples may be using it.
   */
  heads: { id: string; at: number; adaptKey?: string }[];
}

export interface UserRecord extends UserState {
  examples: StoredExample[];
}

export interface ExampleCaps {
  maxExamples: number;
  maxClasses: number;
  /** Bytes of example data a tenant may store (all users and models). */
  maxTenantBytes: number;
  /** 0 = no expiry; else a user's examples expire this long after their last change. */
  ttlSeconds: number;
}

export type ExamplesErrorCode = 'too_many_examples' | 'too_many_classes' | 'tenant_storage_full' | 'label_kind' | 'example_not_found' | 'label_not_found' | 'examples_unavailable';

/** A refused examples operation; nothing was written. */
export class ExamplesError extends Error {
  constructor(
    readonly code: ExamplesErrorCode,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ExamplesError';
  }
}

/** Which examples a removal takes: one by id, or a whole class. */
export type Selection = { id: string } | { label: string };

const kind = (l: Label) => typeof l;
const classKey = (l: Label) => `${typeof l}:${String(l)}`;

/** Bytes a tenant is charged for stored examples (the input data; labels and ids are small). */
export const bytesOf = (examples: readonly { data: Uint8Array }[]): number => examples.reduce((s, e) => s + e.data.byteLength, 0);

/** `{label: count}` in first-appearance order (numeric labels appear as their decimal keys). */
export function labelCounts(examples: readonly { label: Label }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of examples) out[String(e.label)] = (out[String(e.label)] ?? 0) + 1;
  return out;
}

export const isExpired = (s: Pick<UserState, 'expiresAt'>, now: number): boolean => s.expiresAt !== null && s.expiresAt <= now;

const expiry = (caps: ExampleCaps, now: number) => (caps.ttlSeconds > 0 ? now + caps.ttlSeconds * 1000 : null);

/** A fresh user record (no examples yet). */
export function newRecord(epoch: string, now: number): UserRecord {
  return { epoch, revision: 0, nextSeq: 1, createdAt: now, updatedAt: now, expiresAt: null, head: null, synced: true, readapts: 0, heads: [], examples: [] };
}

/**
 * Appends a batch, all or nothing: checks the caps (examples and classes per user, bytes per
 * tenant) and that labels keep the kind the user's examples already have.
 */
export function planAppend(rec: UserRecord, batch: readonly NewExample[], caps: ExampleCaps, tenantBytes: number, now: number): { rec: UserRecord; added: StoredExample[] } {
  const n = rec.examples.length + batch.length;
  if (n > caps.maxExamples) throw new ExamplesError('too_many_examples', `the user would have ${n} examples; the limit is ${caps.maxExamples} (delete some first)`);
  const first = rec.examples[0]?.label ?? batch[0]?.label;
  const odd = batch.find((e) => kind(e.label) !== kind(first!));
  if (odd) throw new ExamplesError('label_kind', `label ${JSON.stringify(odd.label)} is a ${kind(odd.label)}, but this user's labels are ${kind(first!)}s`);
  const classes = new Set([...rec.examples, ...batch].map((e) => classKey(e.label))).size;
  if (classes > caps.maxClasses) throw new ExamplesError('too_many_classes', `the user would have ${classes} classes; the limit is ${caps.maxClasses}`);
  const adding = bytesOf(batch);
  if (tenantBytes + adding > caps.maxTenantBytes) {
    throw new ExamplesError('tenant_storage_full', `the tenant stores ${tenantBytes} bytes of examples; ${adding} more would pass the limit of ${caps.maxTenantBytes}`);
  }
  const added = batch.map((e, i): StoredExample => ({ label: e.label, enc: e.enc, data: e.data, id: `${rec.epoch}-${rec.nextSeq + i}`, seq: rec.nextSeq + i, addedAt: now }));
  return {
    rec: { ...rec, revision: rec.revision + 1, nextSeq: rec.nextSeq + batch.length, updatedAt: now, expiresAt: expiry(caps, now), examples: [...rec.examples, ...added] },
    added,
  };
}

/** Whether a stored label is the one a query string names (labels are strings or numbers, one kind per user). */
export const labelMatches = (l: Label, q: string): boolean => String(l) === q;

/** Removes one example or a class; throws example_not_found / label_not_found when nothing matches. */
export function planRemove(rec: UserRecord, sel: Selection, caps: ExampleCaps, now: number): { rec: UserRecord; removed: StoredExample[] } {
  const hit = (e: StoredExample) => ('id' in sel ? e.id === sel.id : labelMatches(e.label, sel.label));
  const removed = rec.examples.filter(hit);
  if (removed.length === 0) {
    throw 'id' in sel ? new ExamplesError('example_not_found', `no example ${sel.id} for this user`) : new ExamplesError('label_not_found', `the user has no examples labelled ${JSON.stringify(sel.label)}`);
  }
  return { rec: { ...rec, revision: rec.revision + 1, updatedAt: now, expiresAt: expiry(caps, now), examples: rec.examples.filter((e) => !hit(e)) }, removed };
}

/** A head computed from one revision of the examples, offered to the store. */
export interface HeadCommit {
  epoch: string;
  revision: number;
  headId: string | null;
  modelId: string;
  /** The head cache's index key of the adaptation (deleted with the user, like the head). */
  adaptKey?: string;
  /** Counted in `readapts`: a head re-made without an example change (model update, lost head). */
  readapt: boolean;
  /** When, and how long the head cache keeps a head (HEAD_TTL_SECONDS), to bound `heads`. */
  at: number;
  headTtlMs: number;
}

/**
 * Records a head unless a newer one is recorded: revisions only move forward; at the same revision
 * the newest commit wins (another model version, other steps/lr, or the same head re-asserted after
 * its pointer or bytes were lost — which makes the caller write the pointer again).
 */
export function planCommit(rec: UserRecord, c: HeadCommit): { rec: UserRecord; accepted: boolean } {
  const cur = rec.head;
  const ok = c.epoch === rec.epoch && c.revision <= rec.revision && (cur === null || c.revision >= cur.revision);
  if (!ok) return { rec, accepted: false };
  const kept = rec.heads.filter((h) => h.at > c.at - c.headTtlMs && h.id !== c.headId);
  const heads = c.headId === null ? kept : [...kept, { id: c.headId, at: c.at, ...(c.adaptKey ? { adaptKey: c.adaptKey } : {}) }];
  return { rec: { ...rec, head: { revision: c.revision, headId: c.headId, modelId: c.modelId }, synced: false, readapts: rec.readapts + (c.readapt ? 1 : 0), heads }, accepted: true };
}

/** After a pointer write: marks it synced if it named the latest head; returns the latest (to rewrite otherwise). */
export function planAck(rec: UserRecord, epoch: string, headId: string | null): { rec: UserRecord; latest: HeadRef | null } {
  if (epoch !== rec.epoch) return { rec, latest: null };
  const latest = rec.head;
  if (latest && latest.headId === headId && !rec.synced) return { rec: { ...rec, synced: true }, latest };
  return { rec, latest };
}

/** The state part of a record (what a store keeps beside the example rows). */
export function stateOf(rec: UserRecord): UserState {
  const { examples: _examples, ...state } = rec;
  return state;
}
