import { adapt as engineAdapt } from '../src/engine/index';
import { resolveOptions } from '../src/engine/validate';
import { encodeExamples, makesHead, supportOf } from '../src/examples/batch';
import { labelCounts, newRecord, planAck, planAppend, planCommit, planRemove } from '../src/examples/ledger';
import { decodeHead, encodeHead, headIdOf } from '../src/head/index';
import type { Model } from '../src/engine/index';
import type { ExampleCaps, Label, Selection, StoredExample, UserRecord } from '../src/examples/ledger';
import type { Head } from '../src/head/index';
import type { ExamplesRecords } from './examples-store';

/** The export format: a valid body for the server's `POST …/users/:user/examples` (extra fields are ignored there). */
export interface ExportedExamples {
  format: 'fewshot-examples/1';
  /** The model name the examples were taught for. */
  model: string;
  inputs: number[][];
  labels: Label[];
}

export interface ExampleItem {
  id: string;
  label: Label;
  addedAt: number;
  encoding: StoredExample['enc'];
}

/** What every examples call answers, as the server's `UserExamples` does. */
export interface ExamplesResult {
  /** null: the examples make no head (none, or one class of a model that needs two). */
  headId: string | null;
  head: Head | null;
  examples: number;
  labels: Record<string, number>;
  revision: number;
  /** This call ran the inner loop. */
  adapted: boolean;
  /** The head was re-made without an example change (the runtime's bundle changed). */
  readapted: boolean;
  items: ExampleItem[];
}

export interface UserExamples {
  add(user: string, support: { inputs: number[][]; labels: Label[] }, options?: { steps?: number; lr?: number }): Promise<ExamplesResult>;
  list(user: string): Promise<ExamplesResult>;
  remove(user: string, sel: Selection): Promise<ExamplesResult & { removed: number }>;
  /** The user's examples, decoded, oldest first: POST them to the server, or `import` them on another device. */
  exportAll(user: string): Promise<ExportedExamples>;
  /** Appends an export (or the server's `GET …/examples?inputs=1` `support`). */
  importAll(user: string, data: { inputs: number[][]; labels: Label[] }): Promise<ExamplesResult>;
  /** Forgets the user's examples and head; returns how many examples went. */
  clear(user: string): Promise<number>;
  users(): Promise<string[]>;
}

const itemOf = (e: StoredExample): ExampleItem => ({ id: e.id, label: e.label, addedAt: e.addedAt, encoding: e.enc });
const epoch = () => [...crypto.getRandomValues(new Uint8Array(4))].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The server's examples model on the device (docs/webview.md): a user's examples in IndexedDB, and
 * their head re-adapted from all of them after every change, by the same rules as the worker
 * (src/examples/ledger.ts) — so an export moves to the server and adapts into the same head there.
 */
export function userExamples(model: Model, name: string, records: ExamplesRecords, now: () => number = Date.now): UserExamples {
  const spec = { spec: model.spec, inputSize: model.inputSize, defaults: model.defaults };
  const caps: ExampleCaps = { maxExamples: model.defaults.limits.maxExamples, maxClasses: model.defaults.limits.maxClasses, maxTenantBytes: Infinity, ttlSeconds: 0 };
  const decoded = new Map<string, Head>();

  const result = (rec: UserRecord | undefined, head: { id: string; head: Head } | null, adapted: boolean, readapted: boolean): ExamplesResult => ({
    headId: head?.id ?? null,
    head: head?.head ?? null,
    examples: rec?.examples.length ?? 0,
    labels: labelCounts(rec?.examples ?? []),
    revision: rec?.revision ?? 0,
    adapted,
    readapted,
    items: (rec?.examples ?? []).map(itemOf),
  });

  /** Adapts the head of `rec` and records it, unless another tab recorded a newer revision's meanwhile. */
  async function settle(user: string, rec: UserRecord, opts: { steps?: number; lr?: number; readapt: boolean }): Promise<ExamplesResult> {
    let head: { id: string; head: Head; bytes: Uint8Array } | null = null;
    if (makesHead(spec, rec.examples)) {
      const support = supportOf(rec.examples);
      const r = engineAdapt(model, support, { steps: opts.steps, lr: opts.lr });
      const bytes = await encodeHead(r.head);
      head = { id: await headIdOf(bytes), head: r.head, bytes };
      decoded.set(head.id, r.head);
    }
    const at = now();
    await records.update(name, user, (cur) => {
      if (!cur) return { next: undefined, out: undefined };
      const c = planCommit(cur.rec, { epoch: rec.epoch, revision: rec.revision, headId: head?.id ?? null, modelId: model.id, readapt: opts.readapt && head !== null, at, headTtlMs: 0 });
      if (!c.accepted) return { next: undefined, out: undefined };
      return { next: { rec: planAck(c.rec, rec.epoch, head?.id ?? null).rec, head: head && { id: head.id, bytes: head.bytes } }, out: undefined };
    });
    return result(rec, head, head !== null, opts.readapt && head !== null);
  }

  /** The user's head as stored, re-adapted first if it lags the examples or was adapted with another bundle. */
  async function current(user: string): Promise<ExamplesResult> {
    const entry = await records.get(name, user);
    if (!entry) return result(undefined, null, false, false);
    const h = entry.rec.head;
    const lags = !h || h.revision < entry.rec.revision || (h.headId !== null && (h.modelId !== model.id || entry.head?.id !== h.headId));
    if (lags) return settle(user, entry.rec, { readapt: true });
    if (!entry.head) return result(entry.rec, null, false, false);
    let head = decoded.get(entry.head.id);
    if (!head) decoded.set(entry.head.id, (head = await decodeHead(entry.head.bytes)));
    return result(entry.rec, { id: entry.head.id, head }, false, false);
  }

  const add: UserExamples['add'] = async (user, support, options = {}) => {
    const batch = encodeExamples(spec, support.inputs, support.labels);
    resolveOptions(model.defaults, options); // bad steps/lr are refused before anything is stored (EngineError)
    const rec = await records.update(name, user, (cur) => {
      const plan = planAppend(cur?.rec ?? newRecord(epoch(), now()), batch, caps, 0, now());
      return { next: { rec: plan.rec, head: cur?.head ?? null }, out: plan.rec };
    });
    return settle(user, rec, { ...options, readapt: false });
  };

  return {
    add,
    list: current,
    async remove(user, sel) {
      const out = await records.update(name, user, (cur) => {
        const plan = planRemove(cur?.rec ?? newRecord(epoch(), now()), sel, caps, now());
        return { next: { rec: plan.rec, head: cur?.head ?? null }, out: plan };
      });
      return { ...(await settle(user, out.rec, { readapt: false })), removed: out.removed.length };
    },
    async exportAll(user) {
      const entry = await records.get(name, user);
      return { format: 'fewshot-examples/1', model: name, ...supportOf(entry?.rec.examples ?? []) };
    },
    importAll: (user, data) => add(user, { inputs: data.inputs, labels: data.labels }),
    async clear(user) {
      return records.update(name, user, (cur) => ({ next: null, out: cur?.rec.examples.length ?? 0 }));
    },
    users: () => records.users(name),
  };
}
