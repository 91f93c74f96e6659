import { createMiddleware } from 'hono/factory';
import { readConfig } from '../config';
import { HeadStore } from '../heads/store';
import { ApiError } from '../problem';
import type { KvLike } from '../heads/kv-like';
import type { ModelRegistry } from '../models/registry';
import type { AppEnv, Bindings } from '../types';
import type { BackendInfo } from '../../wasm/backend';

export interface ServiceOptions {
  models: ModelRegistry;
  backend: () => Promise<BackendInfo>;
  /** The KV the head cache uses; tests wrap it to inject faults. */
  kv?: (env: Bindings) => KvLike;
}

/** Puts config, the model registry and a head store on the context. */
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
    c.set('models', opts.models);
    c.set('backend', opts.backend);
    c.set('heads', new HeadStore(kv, { ttlSeconds: config.HEAD_TTL_SECONDS, cacheTtlSeconds: config.HEAD_CACHE_TTL_SECONDS }));
    await next();
  });
