// The production entry as it was before the start-up preload (worker/index.ts without `preload`),
// built only so the benchmark can time the first request with and without it, side by side.
import { createApp } from '../../worker/app';
import { initWorkerdBackend } from '../../wasm/workerd';
import { embeddedBundles } from '../../worker/models/embedded';

/** The Hono app with every model loaded on its first request. */
export default createApp({ backend: () => initWorkerdBackend(), bundles: embeddedBundles });

// wrangler.toml binds this class (per-tenant quotas): an entry built with that config must export it.
export { TenantRateLimiter } from '../../worker/rate-limit/durable-object';
export { TenantExamples } from '../../worker/examples/durable-object';
