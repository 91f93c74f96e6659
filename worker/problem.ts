import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An RFC 9457 problem document as every error of the API is sent. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A typed API error: status + stable machine `code` + human `detail`, rendered as problem+json. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message: detail });
  }
}

/** The problem document for a status and code. */
export function problem(status: number, code: string, detail: string): Problem {
  return { type: `https://fewshot-edge.dev/problems/${code}`, title: TITLES[status] ?? 'Error', status, detail, code };
}

/** A problem+json Response. */
export function problemResponse(status: number, code: string, detail: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem(status, code, detail)), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}
