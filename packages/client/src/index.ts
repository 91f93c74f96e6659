/**
 * fewshot-edge-client: a typed client for the fewshot-edge API (hono/client). docs/client.md shows
 * every call; the types come from the worker's own route schemas (./schema).
 */
import { hc } from 'hono/client';
import type { Hono } from 'hono';
import type { ClientRequestOptions } from 'hono/client';
import type { ApiSchema } from './schema.js';

export type { ApiSchema, Problem } from './schema.js';

/** The API's type for `hono/client` (`hc<AppType>(url)`), without the worker's bindings. */
export type AppType = Hono<{}, ApiSchema, '/'>;

/** The client: `api.v1.models[':model'].adapt.$post({ param, json })`, one method per route. */
export type Client = ReturnType<typeof hc<AppType>>;

export interface ClientOptions {
  /** The fetch to send requests with (a proxy, a test double); default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Headers for every request. A request's own headers win; `Authorization` always comes from the key. */
  headers?: Record<string, string>;
}

/** Per-call options of every client method (and `uploadHead`): `headers`, `init`, `fetch`. */
export type CallOptions = ClientRequestOptions;

/**
 * Adds the client's headers to each request that lacks them. hono/client lets a call's `init.headers`
 * replace every header it built (Authorization included), so the merge happens here, last.
 */
function withHeaders(send: typeof fetch, defaults: Record<string, string>): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(defaults)) if (!headers.has(name)) headers.set(name, value);
    return send(input, { ...init, headers });
  };
}

/** A typed client for the API at `baseUrl` (e.g. `http://127.0.0.1:8787`), authenticated with `apiKey`. */
export function createClient(baseUrl: string, apiKey: string, options: ClientOptions = {}): Client {
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  return hc<AppType>(baseUrl, { fetch: withHeaders(send, { ...options.headers, authorization: `Bearer ${apiKey}` }) });
}

/** What `uploadHead` sends: the bytes of a binary head (`.fshd`, `encodeHead`, a head download). */
export type HeadBytes = Uint8Array | ArrayBuffer | Blob;

/** The answer of `uploadHead`: 200 `{headId, model, labels, cache}`, or a problem. */
export type UploadHeadResponse = Awaited<ReturnType<Client['v1']['models'][':model']['heads']['$post']>>;

/**
 * POST /v1/models/:model/heads: uploads a head adapted elsewhere (the CLI's `adapt --out`, the browser
 * runtime's `exportHead`, a head downloaded before) as `application/octet-stream`; with `user`, the
 * user points at it.
 */
export async function uploadHead(api: Client, args: { model: string; head: HeadBytes; user?: string }, options: CallOptions = {}): Promise<UploadHeadResponse> {
  // The body goes in `init`, whose headers replace hono's own: so every header is merged into them.
  const own = typeof options.headers === 'function' ? await options.headers() : options.headers;
  const headers = new Headers(own);
  new Headers(options.init?.headers).forEach((value, name) => headers.set(name, value));
  headers.set('content-type', 'application/octet-stream');
  const init = { ...options.init, body: args.head as BodyInit, headers };
  const query = args.user === undefined ? {} : { user: args.user };
  return api.v1.models[':model'].heads.$post({ param: { model: args.model }, query }, { ...options, headers: undefined, init });
}
