import { createApp } from './app';
import { initWorkerdBackend } from '../wasm/workerd';
import { embeddedBundles } from './models/embedded';
import { durableRateLimiter } from './rate-limit/durable-object';
import { durableExamplesStore } from './examples/durable-object';

/**
 * The Cloudflare Worker entry: the Hono app over the SIMD wasm runtime and the embedded bundles.
 * The default model starts loading (backend init, bundle decode + checksum, upload, one throwaway
 * adaptation) while the module is evaluated, i.e. at isolate start-up — which Cloudflare begins during
 * the TLS handshake — so the first request finds it ready or in flight (docs/benchmarks.md, cold path).
 */
export default createApp({
  backend: () => initWorkerdBackend(),
  bundles: embeddedBundles,
  preload: [embeddedBundles[0]!.name],
  // Without the binding (a Miniflare rig that declares none) the worker runs without quotas.
  rateLimiter: (env) => (env.TENANT_LIMITS ? durableRateLimiter(env.TENANT_LIMITS) : undefined),
  // Users' examples: one Durable Object per tenant (worker/examples/durable-object.ts); unbound = the examples routes answer 503.
  examples: (env) => (env.USER_EXAMPLES ? durableExamplesStore(env.USER_EXAMPLES) : undefined),
});

export { TenantRateLimiter } from './rate-limit/durable-object';
export { TenantExamples } from './examples/durable-object';
