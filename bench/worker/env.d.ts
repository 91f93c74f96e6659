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
    constructor(ctx: unknown, env: unknown);
  }
}
interface DurableObjectNamespace<T = unknown> {
  idFromName(name: string): unknown;
  get(id: unknown): T;
}
