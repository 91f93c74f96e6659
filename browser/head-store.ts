import { RuntimeError } from './errors';

/**
 * IndexedDB layout (bump DB_VERSION with an upgrade step whenever it changes):
 *   database `fewshot-edge` (overridable), version 2
 *   object store `heads`, keyPath `id`, index `modelId`
 *   value: HeadRecord — `bytes` is exactly what `encodeHead` produced (the format the worker keeps
 *   in KV), the rest is small metadata for listing without decoding.
 *   object store `examples` (version 2), keyPath `key` = `<model name>\u0000<user>`: one user's
 *   stored examples (src/browser/examples-store.ts).
 */
export const DB_NAME = 'fewshot-edge';
export const DB_VERSION = 2;
const STORE = 'heads';
export const EXAMPLES_STORE = 'examples';

/** Creates whatever object stores an older (or new) database lacks; upgrades keep every record. */
export function upgradeDb(db: IDBDatabase): void {
  if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'id' }).createIndex('modelId', 'modelId');
  if (!db.objectStoreNames.contains(EXAMPLES_STORE)) db.createObjectStore(EXAMPLES_STORE, { keyPath: 'key' });
}

/** Opens (creating or upgrading) the runtime's database. */
export async function openDb(name = DB_NAME): Promise<IDBDatabase> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) throw new RuntimeError('no_indexeddb', 'this environment has no IndexedDB');
  const open = idb.open(name, DB_VERSION);
  open.onupgradeneeded = () => upgradeDb(open.result);
  return request(open);
}

/** What the head list shows without decoding a head. */
export interface HeadSummary {
  id: string;
  modelId: string;
  task: 'classification' | 'regression';
  labels: (string | number)[];
  /** Milliseconds since the epoch. */
  createdAt: number;
  steps?: number;
  lr?: number;
  loss?: { before: number; after: number };
  name?: string;
  byteLength: number;
}

export interface HeadRecord extends HeadSummary {
  bytes: Uint8Array;
}

export interface HeadStore {
  put(record: HeadRecord): Promise<void>;
  get(id: string): Promise<HeadRecord | undefined>;
  /** Newest first; only this model's heads when `modelId` is given. */
  list(modelId?: string): Promise<HeadSummary[]>;
  delete(id: string): Promise<boolean>;
  close(): void;
}

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new RuntimeError('store_failed', req.error?.message ?? 'IndexedDB request failed'));
  });
}

export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(new RuntimeError('store_failed', tx.error?.message ?? 'IndexedDB transaction failed'));
    tx.onabort = () => reject(new RuntimeError('store_failed', tx.error?.message ?? 'IndexedDB transaction aborted'));
  });
}

function summary(r: HeadRecord): HeadSummary {
  const { bytes: _bytes, ...rest } = r;
  return rest;
}

/** Opens (creating or upgrading as needed) the head database. */
export async function openHeadStore(name = DB_NAME): Promise<HeadStore> {
  const db = await openDb(name);
  const tx = (mode: IDBTransactionMode): { tx: IDBTransaction; store: IDBObjectStore } => {
    const t = db.transaction(STORE, mode);
    return { tx: t, store: t.objectStore(STORE) };
  };
  return {
    async put(record) {
      const { tx: t, store } = tx('readwrite');
      store.put({ ...record, bytes: record.bytes.slice() });
      await done(t);
    },
    async get(id) {
      const r = (await request(tx('readonly').store.get(id))) as HeadRecord | undefined;
      return r ? { ...r, bytes: new Uint8Array(r.bytes) } : undefined;
    },
    async list(modelId) {
      const { store } = tx('readonly');
      const all = (await request(modelId === undefined ? store.getAll() : store.index('modelId').getAll(modelId))) as HeadRecord[];
      return all.map(summary).sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
    },
    async delete(id) {
      const { tx: t, store } = tx('readwrite');
      // Both requests are queued in this tick, so the transaction cannot commit between them.
      const counted = request(store.count(id));
      store.delete(id);
      const [n] = await Promise.all([counted, done(t)]);
      return n > 0;
    },
    close: () => db.close(),
  };
}
