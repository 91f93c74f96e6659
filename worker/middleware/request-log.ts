import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../types';

/** One structured JSON log line per request: never the Authorization header, never the body. */
export const requestLog = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const t0 = Date.now();
    await next();
    const line = {
      level: c.res.status >= 500 ? 'error' : 'info',
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      tenant: c.get('tenant'),
      ms: Date.now() - t0,
    };
    console.log(JSON.stringify(line));
  });
