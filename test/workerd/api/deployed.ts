import { exports } from 'cloudflare:workers';

/** A JSON POST with the local key to the worker as deployed (wrangler.toml's entry, embedded bundles). */
export const postToWorker = (path: string, body: unknown): Promise<Response> =>
  exports.default.fetch(
    new Request(`http://127.0.0.1:8787${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer local-dev-key', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
