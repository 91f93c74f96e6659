import { z } from 'zod';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

// An origin as browsers send it: scheme://host[:port] (custom schemes too, e.g. a WKWebView's `app://x`).
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s,]+$/;

/** `CORS_ORIGINS`: unset or `*` → any origin; else a comma-separated list of exact origins. */
const corsOrigins = z
  .string()
  .optional()
  .transform((raw, ctx): '*' | string[] => {
    if (raw === undefined || raw.trim() === '*') return '*';
    const list = raw.split(',').map((o) => o.trim().replace(/\/$/, '').toLowerCase()).filter(Boolean);
    const bad = list.find((o) => !ORIGIN.test(o));
    if (bad !== undefined || list.length === 0) ctx.addIssue({ code: 'custom', message: `CORS_ORIGINS: '${bad ?? raw}' is not '*' or a list of origins like https://app.example.com` });
    return list;
  });

/** Operator settings from wrangler.toml `[vars]` (strings there); every one has a safe default. */
const ConfigSchema = z.object({
  HEAD_TTL_SECONDS: int(604_800, 60, 31_536_000),
  HEAD_CACHE_TTL_SECONDS: int(60, 30, 86_400),
  MAX_BODY_BYTES: int(2_000_000, 1_024, 25_000_000),
  MAX_SUPPORT_EXAMPLES: int(500, 1, 10_000),
  MAX_CLASSES: int(50, 2, 1_000),
  MAX_PREDICT_INPUTS: int(256, 1, 10_000),
  MAX_STEPS: int(100, 0, 10_000),
  MIN_LR: z.coerce.number().positive().default(1e-5),
  MAX_LR: z.coerce.number().positive().default(10),
  MAX_USER_LENGTH: int(128, 1, 128),
  CORS_ORIGINS: corsOrigins,
  MODELS_REFRESH_SECONDS: int(30, 0, 86_400),
  // Stored examples (docs/api.md, "Examples"): per user, per tenant, and how long they are kept (0 = until deleted).
  EXAMPLES_MAX_PER_USER: int(500, 1, 10_000),
  EXAMPLES_MAX_CLASSES: int(50, 2, 1_000),
  EXAMPLES_MAX_TENANT_BYTES: int(100_000_000, 1_024, 10_000_000_000),
  EXAMPLES_TTL_SECONDS: int(0, 0, 315_360_000),
});

/** The var names the worker reads (the Node server takes these from its environment). */
export const CONFIG_VARS = Object.keys(ConfigSchema.shape);

/** Resolved operator limits and TTLs. */
export type Config = z.infer<typeof ConfigSchema>;

let cached: { source: unknown; config: Config } | undefined;

/** Parses the worker's vars once per isolate (a bad var is a deploy error, reported on every request). */
export function readConfig(env: Record<string, unknown>): Config {
  if (cached?.source === env) return cached.config;
  const vars = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string'));
  const config = ConfigSchema.parse(vars);
  cached = { source: env, config };
  return config;
}
