// The API's routes as a caller sees them: the worker app's own route types (worker/app.ts, from the
// zod schemas and each route's documented responses), with every answer the server can give.
// scripts/build-client.ts expands `ApiSchema` into one self-contained type (dist/schema.d.ts), so a
// consumer's program never sees the worker, zod or Cloudflare's types.
import type { ExtractSchema } from 'hono/types';
import type { AppType as WorkerApp } from '../../../worker/app';

/** The body of every non-2xx answer: an RFC 9457 problem document (`application/problem+json`). */
export interface Problem {
  /** A URI naming the problem kind: `https://fewshot-edge.dev/problems/<code>`. */
  type: string;
  /** The HTTP status's reason phrase, e.g. "Too Many Requests". */
  title: string;
  status: number;
  /** The human-readable explanation of this occurrence. */
  detail: string;
  /** The stable machine code (docs/api.md lists them), e.g. `rate_limited`, `input_length`. */
  code: string;
}

type Routes = ExtractSchema<WorkerApp>;

/**
 * Every route of the API: its params, query, JSON body, and each status it answers with and the body
 * of that status. To the routes' own types it adds:
 * - the answers any route can give besides those it documents: a bug (500 `internal`) and, under
 *   /v1, invalid operator settings (503 `misconfigured`), both problem documents;
 * - bytes for a route whose 200 is not JSON (the head download: `application/octet-stream`), which
 *   hono types as a bare `Response` of any status.
 * (Written inline, without helper aliases, so that the checker expands it for dist/schema.d.ts.)
 */
export type ApiSchema = {
  [Path in keyof Routes]: {
    [Method in keyof Routes[Path]]:
      | (Routes[Path][Method] extends infer E
          ? E extends { input: infer I; output: infer O }
            ? O extends Problem
              ? never
              : [O] extends [Response]
                ? { input: I; output: ArrayBuffer; outputFormat: 'binary'; status: 200 }
                : E
            : never
          : never)
      | {
          input: Routes[Path][Method] extends { input: infer I } ? I : never;
          output: Problem;
          outputFormat: 'json';
          status:
            | (Routes[Path][Method] extends infer E ? (E extends { output: Problem; status: infer S } ? S : never) : never)
            | (Path extends `/v1/${string}` ? 500 | 503 : 500);
        };
  };
};
