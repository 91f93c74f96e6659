import { createMiddleware } from 'hono/factory';
import { rateTable, ruleFor } from '../rate-limit/config';
import { ApiError } from '../problem';
import type { RateLimiter, RouteClass } from '../rate-limit/gcra';
import type { AppEnv, Bindings } from '../types';

const MODEL_ROUTE = /^\/v1\/models\/[^/]+\/(adapt|predict|heads)$/;
// Adding or removing examples re-adapts the user's head: charged as an adapt.
const EXAMPLES_ROUTE = /^\/v1\/models\/[^/]+\/users\/[^/]+\/examples(\/[^/]+)?$/;

/** A predict that carries `support` may run the inner loop: it is charged as an adapt. */
async function predictClass(req: { header(n: string): string | undefined; json(): Promise<unknown> }): Promise<RouteClass> {
  if (!/json/i.test(req.header('content-type') ?? '')) return 'predict';
  try {
    // Hono caches the body: the route's validator reads the same text again without a second read.
    const body = await req.json();
    return typeof body === 'object' && body !== null && 'support' in body && (body as { support?: unknown }).support != null ? 'adapt' : 'predict';
  } catch (e) {
    if (e instanceof ApiError) throw e; // over the body limit
    return 'predict'; // not JSON: the route answers invalid_json
  }
}

/** The quota class of a request, or undefined for the cheap routes (metadata, delete, download). */
async function classOf(c: { req: { method: string; path: string; header(n: string): string | undefined; json(): Promise<unknown> } }): Promise<RouteClass | undefined> {
  if ((c.req.method === 'POST' || c.req.method === 'DELETE') && EXAMPLES_ROUTE.test(c.req.path)) return 'adapt';
  if (c.req.method !== 'POST') return undefined;
  const m = MODEL_ROUTE.exec(c.req.path);
  if (!m) return undefined;
  if (m[1] === 'adapt') return 'adapt';
  if (m[1] === 'heads') return 'upload';
  return predictClass(c.req);
}

/**
 * Per-tenant quotas per route class (after auth: it needs the tenant). Over quota: 429
 * `rate_limited` with `retry-after`. The limiter failing admits the request and logs: an outage of
 * the counter must not become an outage of the API.
 */
export const rateLimit = (opts: { limiter?: (env: Bindings) => RateLimiter | undefined }) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const limiter = opts.limiter?.(c.env);
    if (!limiter) return next();
    let table;
    try {
      table = rateTable(typeof c.env.RATE_LIMITS === 'string' ? c.env.RATE_LIMITS : undefined);
    } catch (e) {
      throw new ApiError(503, 'misconfigured', `the RATE_LIMITS var is invalid: ${e instanceof Error ? e.message : String(e)}`);
    }
    const cls = await classOf(c);
    const rule = cls && ruleFor(table, c.var.tenant, cls);
    if (!cls || !rule) return next();
    let decision;
    try {
      decision = await limiter.take(c.var.tenant, cls, rule);
    } catch (e) {
      console.error(JSON.stringify({ level: 'error', msg: 'rate limiter unavailable; admitting', error: e instanceof Error ? e.message : String(e) }));
      return next();
    }
    if (!decision.ok) {
      const s = decision.retryAfterSeconds;
      throw new ApiError(429, 'rate_limited', `tenant over its ${cls} quota (${rule.limit} per ${rule.periodSeconds} s); retry in ${s} s`, { 'retry-after': String(s) });
    }
    return next();
  });
