import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { timing } from 'hono/timing';
import { bearerTenant } from './middleware/auth';
import { corsFromConfig } from './middleware/cors';
import { notFoundOrMethodNotAllowed } from './middleware/method-not-allowed';
import { toProblem, validationHook } from './middleware/errors';
import { requestLog } from './middleware/request-log';
import { rateLimit } from './middleware/rate-limit';
import { services } from './middleware/services';
import { ModelRegistry } from './models/registry';
import { warmUp } from './models/warm-up';
import { ApiError } from './problem';
import { adaptRoutes } from './routes/adapt';
import { docsRoutes } from './routes/docs';
import { diagnosticsRoutes } from './routes/diagnostics';
import { examplesRoutes } from './routes/examples';
import { headRoutes } from './routes/heads';
import { healthRoutes } from './routes/health';
import { modelRoutes } from './routes/models';
import { predictRoutes } from './routes/predict';
import { userRoutes } from './routes/users';
import type { BundleSource } from './models/registered-model';
import type { ExamplesStore } from './examples/store';
import type { KvLike } from './heads/kv-like';
import type { R2Like } from '../src/store/r2-like';
import type { RateLimiter } from './rate-limit/gcra';
import type { AppEnv, Bindings } from './types';
import type { BackendInfo } from '../wasm/backend';

export interface AppOptions {
  /** Brings up the tfjs backend once per isolate (workerd: from the imported .wasm module). */
  backend: () => Promise<BackendInfo>;
  /** The bundles this worker serves; the first is the default model. */
  bundles: BundleSource[];
  /** Override the KV used for heads (tests inject faults through this). */
  kv?: (env: Bindings) => KvLike;
  /** Models to load now (backend, decode, upload) and warm up with one throwaway adaptation, instead of on their first request. */
  preload?: string[];
  /** The model store's bucket; default: the `MODELS` R2 binding when bound (docs/models.md). */
  store?: (env: Bindings) => R2Like | undefined;
  /** Where per-tenant quotas are counted (workerd: a Durable Object; Node: in-process); none = no quotas. */
  rateLimiter?: (env: Bindings) => RateLimiter | undefined;
  /** Where users' examples live (workerd: a Durable Object per tenant; Node: files under the store lock); none = the examples routes answer 503. */
  examples?: (env: Bindings) => ExamplesStore | undefined;
}

const DEFAULT_MAX_BODY = 2_000_000;
const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'fewshot-edge', version: '1', description: 'Per-user few-shot adaptation on Workers: adapt a head to a support set, cache it in KV, predict.' },
};

/** Builds the worker's Hono app: the routes of docs/api.md, CORS, auth, limits, OpenAPI. */
export const createApp = (opts: AppOptions) => {
  const models = new ModelRegistry(opts.bundles, opts.backend);
  // The warm-up only pays off before the first request: one that is already waiting would wait for it too.
  let requested = false;
  // A failed preload is forgotten by the registry and retried by the first request that needs it.
  for (const name of opts.preload ?? []) models.get(name)?.then((m) => m.status === 'ready' && !requested && warmUp(m.model)).catch(() => {});
  // strict: false — `/v1/models/glyphs/adapt/` is the same route as without the slash (a 405 that
  // lists the very method used would say nothing true).
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook, strict: false });
  app.use('*', async (_, next) => {
    requested = true;
    await next();
  });
  app.onError(toProblem);
  app.notFound(notFoundOrMethodNotAllowed(() => app.routes));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  // Before auth: a CORS preflight carries no key and must not be a 401.
  app.use('*', corsFromConfig());
  app.use('*', timing({ crossOrigin: false }), requestLog(), services({ models, backend: opts.backend, kv: opts.kv, store: opts.store, examples: opts.examples }));
  app.use(
    '/v1/*',
    bearerTenant({ keys: (env) => env.API_KEYS as string | undefined }),
    async (c, next) => {
      const max = c.var.config?.MAX_BODY_BYTES ?? DEFAULT_MAX_BODY;
      return bodyLimit({ maxSize: max, onError: () => { throw new ApiError(413, 'body_too_large', `request body over ${max} bytes`); } })(c, next);
    },
  );
  app.use('/v1/*', rateLimit({ limiter: opts.rateLimiter }));
  const routes = app
    .route('/', healthRoutes())
    .route('/v1', modelRoutes())
    .route('/v1', adaptRoutes())
    .route('/v1', predictRoutes())
    .route('/v1', userRoutes())
    .route('/v1', examplesRoutes())
    .route('/v1', headRoutes());
  app.doc31('/openapi.json', OPENAPI);
  app.route('/', docsRoutes(() => app.getOpenAPI31Document(OPENAPI)));
  app.route('/v1', diagnosticsRoutes());
  return routes;
};

/** The app's type, for the typed `hono/client`. */
export type AppType = ReturnType<typeof createApp>;
