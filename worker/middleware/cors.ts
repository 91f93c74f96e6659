import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import { readConfig } from '../config';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../types';

/**
 * Response headers a browser client may read. `Server-Timing` and `Retry-After` are ours; the
 * `RateLimit*` names are the IETF draft's, listed so a rate limiter's headers are readable too
 * (naming a header no response carries costs nothing).
 */
export const EXPOSED_HEADERS = ['Server-Timing', 'Retry-After', 'WWW-Authenticate', 'Allow', 'RateLimit', 'RateLimit-Policy', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];
const ALLOWED_HEADERS = ['Authorization', 'Content-Type'];
const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'DELETE'];
const MAX_AGE_SECONDS = 600;

/** An allow-list: `'*'` (any origin) or exact origins, lower-cased, without a trailing slash. */
export type CorsOrigins = '*' | string[];

const build = (origins: CorsOrigins): MiddlewareHandler =>
  cors({
    // Keys are bearer tokens the page attaches itself, never cookies: no credentials, so '*' is safe.
    origin: origins === '*' ? '*' : (origin) => (origins.includes(origin.toLowerCase()) ? origin : null),
    allowHeaders: ALLOWED_HEADERS,
    allowMethods: ALLOWED_METHODS,
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: MAX_AGE_SECONDS,
  });

/**
 * CORS for browser and webview clients on other origins, from the `CORS_ORIGINS` operator var.
 * Mounted before auth: a preflight carries no Authorization header and must not be a 401. Errors keep
 * their CORS headers (Hono copies them onto the error response), so a page can read a problem's code.
 * A disallowed origin gets no Access-Control-Allow-Origin, and the browser refuses the response.
 */
export const corsFromConfig = () => {
  const built = new Map<string, MiddlewareHandler>();
  return createMiddleware<AppEnv>(async (c, next) => {
    let origins: CorsOrigins;
    try {
      origins = readConfig(c.env as unknown as Record<string, unknown>).CORS_ORIGINS;
    } catch {
      // Invalid vars: the services middleware answers 503 misconfigured; grant no origin meanwhile.
      origins = [];
    }
    const key = origins === '*' ? '*' : origins.join(' ');
    let mw = built.get(key);
    if (!mw) built.set(key, (mw = build(origins)));
    const res = await mw(c, next);
    // Server-Timing is readable through PerformanceResourceTiming only for origins named here.
    const origin = c.res.headers.get('access-control-allow-origin');
    if (origin && !c.res.headers.has('timing-allow-origin')) c.res.headers.set('timing-allow-origin', origin);
    return res;
  });
};
