import { Hono } from 'hono';
import { renderOpenApiPage } from '../docs/render-openapi';

// The page's first paragraph is the OpenAPI info.description (worker/app.ts): this goes after it, not repeating it.
const INTRO = `<p>Send a few labelled examples, get a head adapted to them, predict with it. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1, generated from the same zod schemas that validate requests).</p>
<p>Auth: <code>Authorization: Bearer &lt;key&gt;</code>. Under <code>npm start</code> the key <code>local-dev-key</code> belongs to tenant <code>local</code>.
Errors are <code>application/problem+json</code> <code>{type,title,status,detail,code}</code> (see <a href="#schema-Problem">Problem</a>); a rejected request writes nothing.
Browsers on other origins may call the API when the operator's <code>CORS_ORIGINS</code> allows them.</p>
<p>Inputs are flattened row-major floats. Images: 28×28 grayscale in [0,1] (784 numbers), ink = 1 and background = 0, as in MNIST.</p>`;

// The page has no script and loads nothing: only its own inline style may apply.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** What `GET /` answers: where everything is, instead of a bare 404. */
export const ROOT_INDEX = {
  name: 'fewshot-edge',
  docs: '/docs',
  openapi: '/openapi.json',
  health: '/healthz',
  models: '/v1/models',
  auth: 'Authorization: Bearer <key> on /v1/*',
} as const;

/** GET /docs — the OpenAPI document rendered server-side: operations, parameters, bodies, schemas; GET / — pointers to it. */
export const docsRoutes = (document: () => object) => {
  let page: string | undefined;
  return new Hono()
    .get('/', (c) => c.json(ROOT_INDEX, 200))
    .get('/docs', (c) => {
      // The document cannot change while the isolate lives: render it once.
      page ??= renderOpenApiPage(document() as Record<string, unknown>, INTRO);
      return c.html(page, 200, { 'content-security-policy': CSP });
    });
};
