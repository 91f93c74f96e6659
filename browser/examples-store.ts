import { RuntimeError } from './errors';
import { EXAMPLES_STORE, openDb } from './head-store';
import type { UserRecord } from '../src/examples/ledger';

/** One user's stored examples and the head they were last adapted into (its bytes: the user owns this copy). */
export interface ExamplesEntry {
  rec: UserRecord;
  head: { id: string; bytes: Uint8Array } | null;
}

/** `next`: the entry to write (null deletes it, undefined leaves it); `out`: what the update returns. */
export type ExamplesUpdate<T> = (cur: ExamplesEntry | undefined) => { next: ExamplesEntry | null | undefined; out: T };

/**
 * Where the browser runtime keeps users' examples. `update` reads, applies a synchronous function
 * and writes in one transaction, so two tabs appending at once are applied one after the other — the
 * same rule as the worker's Durable Object.
 */
export interface ExamplesRecords {
  update<T>(model: string, user: string, fn: ExamplesUpdate<T>): Promise<T>;
  get(model: string, user: string): Promise<ExamplesEntry | undefined>;
  /** The users with stored examples for a model. */
  users(model: string): Promise<string[]>;
  close(): void;
}

interface Stored extends ExamplesEntry {
  key: string;
  model: string;
  user: string;
}

const keyOf = (model: string, user: string) => `${model}\u0000${user}`;
const failed = (e: unknown) => (e instanceof Error ? e : new RuntimeError('store_failed', String((e as { message?: string } | null)?.message ?? 'IndexedDB transaction failed')));

/** The `examples` object store of the runtime's database (src/browser/head-store.ts has the layout). */
export async function openExamplesRecords(name?: string): Promise<ExamplesRecords> {
  const db = await openDb(name);
  return {
    update<T>(model: string, user: string, fn: ExamplesUpdate<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const tx = db.transaction(EXAMPLES_STORE, 'readwrite');
        const store = tx.objectStore(EXAMPLES_STORE);
        const key = keyOf(model, user);
        let out: T;
        let thrown: unknown;
        const got = store.get(key);
        // The function runs inside the request's callback: the transaction is still active, so the write joins it.
        got.onsuccess = () => {
          try {
            const cur = got.result as Stored | undefined;
            const r = fn(cur ? { rec: cur.rec, head: cur.head } : undefined);
            out = r.out;
            if (r.next === null) store.delete(key);
            else if (r.next) store.put({ key, model, user, rec: r.next.rec, head: r.next.head } satisfies Stored);
          } catch (e) {
            thrown = e;
            tx.abort();
          }
        };
        tx.oncomplete = () => resolve(out);
        tx.onabort = () => reject(thrown ?? failed(tx.error));
        tx.onerror = () => reject(thrown ?? failed(tx.error));
      });
    },
    get(model, user) {
      return new Promise((resolve, reject) => {
        const req = db.transaction(EXAMPLES_STORE, 'readonly').objectStore(EXAMPLES_STORE).get(keyOf(model, user));
        req.onsuccess = () => {
          const r = req.result as Stored | undefined;
          resolve(r ? { rec: r.rec, head: r.head } : undefined);
        };
        req.onerror = () => reject(failed(req.error));
      });
    },
    users(model) {
      return new Promise((resolve, reject) => {
        const req = db.transaction(EXAMPLES_STORE, 'readonly').objectStore(EXAMPLES_STORE).getAll();
        req.onsuccess = () => resolve((req.result as Stored[]).filter((r) => r.model === model).map((r) => r.user).sort());
        req.onerror = () => reject(failed(req.error));
      });
    },
    close: () => db.close(),
  };
}
