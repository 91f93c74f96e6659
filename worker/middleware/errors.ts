import { HTTPException } from 'hono/http-exception';
import { ApiError, problemResponse } from '../problem';
import type { Context } from 'hono';
import type { ZodError } from 'zod';

/** onError: every error becomes problem+json; only genuine server faults are 500s. */
export function toProblem(err: Error, c: Context): Response {
  if (err instanceof ApiError) return problemResponse(err.status, err.code, err.detail, err.headers);
  if (err instanceof HTTPException) {
    const malformed = /malformed json/i.test(err.message);
    if (malformed) return problemResponse(err.status, 'invalid_json', 'the request body is not valid JSON');
    // zod-openapi's media-type gate: a body without a declared content type (e.g. JSON sent with none).
    if (err.status === 415) {
      const type = c.req.header('content-type');
      return problemResponse(415, 'unsupported_media_type', `${type ? `Content-Type '${type.slice(0, 100)}' is` : 'a body without a Content-Type is'} not accepted here: send JSON as application/json`);
    }
    return problemResponse(err.status, 'bad_request', err.message);
  }
  console.error(JSON.stringify({ level: 'error', msg: 'unhandled', path: c.req.path, error: err.message, stack: err.stack?.split('\n').slice(0, 4) }));
  return problemResponse(500, 'internal', 'an unexpected error occurred; it has been logged');
}

/** The zod-openapi defaultHook: a schema failure is a 400 naming the first bad field. */
export function validationHook(result: { success: boolean; error?: ZodError; target?: string }, c: Context): Response | undefined {
  if (result.success) return undefined;
  const issue = result.error?.issues[0];
  const where = issue ? `${result.target ?? 'request'}${issue.path.length ? '.' + issue.path.join('.') : ''}` : 'request';
  void c;
  // 1e999 parses to Infinity: valid JSON, but not a usable number — the same error the engine gives.
  const received = (issue as { received?: unknown } | undefined)?.received;
  if (received === 'Infinity' || received === 'NaN') return problemResponse(422, 'non_finite', `${where}: numbers must be finite`);
  const code = result.target === 'param' ? 'invalid_path' : 'invalid_request';
  return problemResponse(400, code, `${where}: ${issue?.message ?? 'invalid'}`);
}
