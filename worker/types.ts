import type { Config } from './config';
import type { ExamplesStore } from './examples/store';
import type { HeadStore } from './heads/store';
import type { ModelView } from './models/model-view';
import type { BackendInfo } from '../wasm/backend';

/** Bindings: the generated `Env` plus secrets and optional bindings wrangler.toml cannot declare. */
export type Bindings = Env & {
  /** JSON object: hex SHA-256 of an API key → tenant id (a secret; `.dev.vars` locally). */
  API_KEYS?: string;
  /** JSON per-tenant quotas (worker/rate-limit/config.ts); unset = built-in defaults, "off" = none. */
  RATE_LIMITS?: string;
};

/** Per-request services and identity, set by middleware. */
export interface Variables {
  tenant: string;
  config: Config;
  heads: HeadStore;
  /** Users' stored examples; undefined when the deployment has no examples store. */
  examples: ExamplesStore | undefined;
  models: ModelView;
  backend: () => Promise<BackendInfo>;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
