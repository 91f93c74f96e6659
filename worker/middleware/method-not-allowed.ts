import { problemResponse } from '../problem';
import type { Context } from 'hono';
import type { RouterRoute } from 'hono/types';

/** `/v1/models/:model` → a RegExp matching one concrete path of that route (a `*` matches the rest). */
function pathPattern(path: string): RegExp {
  const body = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}/?$`);
}

/**
 * The app's `notFound` handler: a path that some route serves under another method is a 405 with an
 * `Allow` header (RFC 9110 §15.5.6); only a path no route serves is a 404. `routes()` is read on the
 * first miss, after every route is mounted; middleware (method ALL) does not count as serving a path.
 */
export function notFoundOrMethodNotAllowed(routes: () => RouterRoute[]) {
  let table: Array<{ re: RegExp; method: string }> | undefined;
  return (c: Context): Response => {
    table ??= routes()
      .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*'))
      .map((r) => ({ re: pathPattern(r.path), method: r.method.toUpperCase() }));
    const methods = new Set(table.filter((r) => r.re.test(c.req.path)).map((r) => r.method));
    if (methods.size === 0) return problemResponse(404, 'not_found', `no route ${c.req.method} ${c.req.path}`);
    // Hono answers HEAD with the GET handler, and the CORS middleware answers OPTIONS everywhere.
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    const allow = [...methods].sort().join(', ');
    return problemResponse(405, 'method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow}`, { allow });
  };
}
