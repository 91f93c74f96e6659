import { createMiddleware } from 'hono/factory';
import { readConfig } from '../config';
import { HeadStore } from '../heads/store';
import { ApiError } from '../problem';
import type { ExamplesStore } from '../examples/store';
import type { KvLike } from '../heads/kv-like';
import type { ModelRegistry } from '../models/registry';
import type { R2Like } from '../../src/store/r2-like';
import type { AppEnv, Bindings } from '../types';
import type { BackendInfo } from '../../wasm/backend';

export interface ServiceOptions {
  models: ModelRegistry;
  backend: () => Promise<BackendInfo>;
  /** The KV the head cache uses; tests wrap it to inject faults. */
  kv?: (env: Bindings) => KvLike;
  /** The model store's bucket (default: the `MODELS` binding, if bound); tests wrap it to gate or break reads. */
  store?: (env: Bindings) => R2Like | undefined;
  /** Where users' examples live (workerd: the USER_EXAMPLES Durable Object; Node: files); none = the examples routes answer 503. */
  examples?: (env: Bindings) => ExamplesStore | undefined;
}

/** Puts config, the model registry, a head store and the examples store on the context. */
export const services = (opts: ServiceOptions) =>
  createMiddleware<AppEnv>(async (c, next) => {
    let config;
    try {
      config = readConfig(c.env as unknown as Record<string, unknown>);
    } catch (e) {
      throw new ApiError(503, 'misconfigured', `worker vars are invalid: ${e instanceof Error ? e.message : String(e)}`);
    }
    const kv = opts.kv ? opts.kv(c.env) : (c.env.HEADS as unknown as KvLike);
    c.set('config', config);
    const store = opts.store ? opts.store(c.env) : ((c.env as { MODELS?: R2Like }).MODELS ?? undefined);
    const waitUntil = (p: Promise<unknown>) => {
      try {
        c.executionCtx.waitUntil(p);
      } catch {
        // no execution context (app.request in tests, Node): the promise just runs on
      }
    };
    c.set('models', opts.models.view(store, { refreshMs: config.MODELS_REFRESH_SECONDS * 1000, waitUntil }));
    c.set('backend', opts.backend);
    c.set('examples', opts.examples?.(c.env));
    c.set('heads', new HeadStore(kv, { ttlSeconds: config.HEAD_TTL_SECONDS, cacheTtlSeconds: config.HEAD_CACHE_TTL_SECONDS }));
    await next();
  });
