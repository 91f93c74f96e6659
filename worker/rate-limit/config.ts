import { z } from 'zod';
import { ROUTE_CLASSES } from './gcra';
import type { RateRule, RouteClass } from './gcra';

/**
 * `RATE_LIMITS` (a var): per-tenant request quotas per route class.
 *   {"default": {"adapt": {"limit": 60, "period": 60}, ...}, "tenants": {"acme": {"adapt": {"limit": 600, "period": 60}}}}
 * A class missing from `default` keeps the built-in default; a tenant's entry overrides the
 * default class by class; `null` means unlimited. `RATE_LIMITS=off` turns quotas off (load tests).
 */
export type RateTable = { default: Record<RouteClass, RateRule | null>; tenants: Record<string, Partial<Record<RouteClass, RateRule | null>>> } | 'off';

/** Built-in per-tenant defaults: sized for the Paid plan's CPU (an adapt is ~20 ms of CPU; docs/deploy.md). */
export const DEFAULT_RATE_LIMITS: Record<RouteClass, RateRule> = {
  adapt: { limit: 120, periodSeconds: 60 },
  predict: { limit: 1200, periodSeconds: 60 },
  upload: { limit: 120, periodSeconds: 60 },
};

const Rule = z
  .object({ limit: z.number().int().min(1).max(1_000_000), period: z.number().int().min(1).max(86_400) })
  .strict()
  .transform((r): RateRule => ({ limit: r.limit, periodSeconds: r.period }))
  .nullable();
const Classes = z.object({ adapt: Rule.optional(), predict: Rule.optional(), upload: Rule.optional() }).strict();
const Table = z.object({ default: Classes.optional(), tenants: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), Classes).optional() }).strict();

/** Parses `RATE_LIMITS` (undefined or empty: the built-in defaults); throws an Error naming the problem. */
export function parseRateLimits(raw: string | undefined): RateTable {
  if (raw === undefined || raw.trim() === '') return { default: { ...DEFAULT_RATE_LIMITS }, tenants: {} };
  if (raw.trim() === 'off') return 'off';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('RATE_LIMITS is not JSON (or "off")');
  }
  const r = Table.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`RATE_LIMITS${i?.path.length ? '.' + i.path.join('.') : ''}: ${i?.message ?? 'invalid'}`);
  }
  const def = Object.fromEntries(ROUTE_CLASSES.map((c) => [c, r.data.default?.[c] === undefined ? DEFAULT_RATE_LIMITS[c] : r.data.default[c]])) as Record<RouteClass, RateRule | null>;
  return { default: def, tenants: (r.data.tenants ?? {}) as Record<string, Partial<Record<RouteClass, RateRule | null>>> };
}

let cached: { raw: string | undefined; table: RateTable } | undefined;

/** `parseRateLimits`, once per isolate for a given value. */
export function rateTable(raw: string | undefined): RateTable {
  if (!cached || cached.raw !== raw) cached = { raw, table: parseRateLimits(raw) };
  return cached.table;
}

/** The rule for a tenant and class (null: unlimited). */
export function ruleFor(table: RateTable, tenant: string, cls: RouteClass): RateRule | null {
  if (table === 'off') return null;
  const own = table.tenants[tenant]?.[cls];
  return own === undefined ? table.default[cls] : own;
}
