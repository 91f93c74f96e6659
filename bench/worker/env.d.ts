// worker/ names the `Env` that wrangler generates into worker-configuration.d.ts, which only the
// worker tsconfig sees. The Node program that typechecks bench/ (it runs the same app in Node) gets
// this loose stand-in instead.
interface Env {
  HEADS: unknown;
  [binding: string]: unknown;
}

// Likewise for the Durable Object behind per-tenant quotas (worker/rate-limit/durable-object.ts),
// which bench/worker/no-preload.ts re-exports: the Workers runtime's types, reduced to what it uses.
declare module 'cloudflare:workers' {
  export abstract class DurableObject {
    protected ctx: DurableObjectState;
    constructor(ctx: unknown, env: unknown);
    alarm?(): Promise<void>;
  }
}

// And for the users' examples object (worker/examples/durable-object.ts), which bench/worker/index.ts
// binds: its SQLite storage, reduced to what it uses.
type SqlStorageValue = ArrayBuffer | string | number | null;
interface SqlStorageCursor {
  toArray(): Record<string, SqlStorageValue>[];
  one(): Record<string, SqlStorageValue>;
}
interface SqlStorage {
  exec(query: string, ...bindings: unknown[]): SqlStorageCursor;
}
interface DurableObjectState {
  storage: {
    sql: SqlStorage;
    transactionSync<T>(fn: () => T): T;
    getAlarm(): Promise<number | null>;
    setAlarm(at: number): Promise<void>;
  };
}
interface DurableObjectNamespace<T = unknown> {
  idFromName(name: string): unknown;
  get(id: unknown): T;
}
