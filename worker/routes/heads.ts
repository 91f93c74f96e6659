import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { predict } from '../../src/engine/index';
import { decodeHead } from '../../src/head/codec';
import { HeadError } from '../../src/head/head';
import { headIdOf } from '../../src/head/head-id';
import { HeadId, Label, ModelParam, UserId, problemResponses } from '../schemas/common';
import { pointUserAt, readHead, staleHead } from '../heads/resolve-head';
import { requireModel } from '../models/require-model';
import { engineCall } from '../engine-errors';
import { ApiError } from '../problem';
import { checkUserLength } from '../limits';
import type { AppEnv } from '../types';

const UploadResponse = z
  .object({ headId: HeadId, model: z.string(), labels: z.array(Label), cache: z.enum(['hit', 'miss', 'unavailable']) })
  .openapi('HeadUploadResponse');

const upload = createRoute({
  method: 'post',
  path: '/models/{model}/heads',
  operationId: 'uploadHead',
  summary: 'Upload a head adapted elsewhere (e.g. on a phone by the webview runtime) in the binary head format',
  description:
    'The body is the exact bytes of `encodeHead` (what the browser runtime stores in IndexedDB). The head is verified (checksum, ' +
    'model id, shapes) before anything is written; its id is the SHA-256 of the bytes, the same id adapt gives the head it made. With `?user=`, the user points at it.',
  security: [{ bearer: [] }],
  request: {
    params: ModelParam,
    query: z.object({ user: UserId.optional() }),
    body: { required: true, description: 'The bytes of `encodeHead(head)`', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
  },
  responses: { 200: { description: 'Stored (or already stored)', content: { 'application/json': { schema: UploadResponse } } }, ...problemResponses(400, 401, 404, 413, 415, 422, 429, 503) },
});

const download = createRoute({
  method: 'get',
  path: '/models/{model}/heads/{headId}',
  operationId: 'downloadHead',
  summary: 'Download a head in the binary head format (for offline use in the webview runtime)',
  security: [{ bearer: [] }],
  request: { params: ModelParam.extend({ headId: HeadId.openapi({ param: { name: 'headId', in: 'path' } }) }) },
  responses: {
    200: { description: 'The head bytes', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...problemResponses(400, 401, 404, 409, 503),
  },
});

/** POST /v1/models/:model/heads and GET /v1/models/:model/heads/:headId — the head format crosses devices. */
export const headRoutes = () =>
  new OpenAPIHono<AppEnv>()
    .openapi(upload, async (c) => {
      const { model } = c.req.valid('param');
      const { user } = c.req.valid('query');
      checkUserLength(c.var.config, user);
      if (!(c.req.header('content-type') ?? '').startsWith('application/octet-stream')) {
        throw new ApiError(415, 'unsupported_media_type', 'send the head bytes as application/octet-stream');
      }
      const m = await requireModel(c.var.models, model);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      let head;
      try {
        head = await decodeHead(bytes);
      } catch (e) {
        if (e instanceof HeadError) throw new ApiError(422, 'invalid_head', `not a valid head: ${e.message}`);
        throw e;
      }
      for (const [name, t] of Object.entries(head.params)) {
        if (!t.data.every(Number.isFinite)) throw new ApiError(422, 'non_finite', `head param ${name} holds non-finite values`);
      }
      // One prediction on zeros runs every check the engine makes (model id, task, shapes, labels).
      engineCall(() => predict(m.model, head, [new Array<number>(m.model.inputSize).fill(0)]));
      const headId = await headIdOf(bytes);
      const { heads, tenant } = c.var;
      const existing = await readHead(heads, tenant, m, headId);
      let cache: 'hit' | 'miss' | 'unavailable' = existing.head ? 'hit' : 'miss';
      if (!existing.head) {
        const stored = existing.status !== 'unavailable' && (await heads.putHead(tenant, m.name, headId, bytes, { createdAt: Date.now(), source: 'upload' }));
        if (!stored) cache = 'unavailable';
      }
      if (user !== undefined && cache !== 'unavailable' && !(await pointUserAt(heads, tenant, m.name, user, headId))) cache = 'unavailable';
      return c.json({ headId, model: m.name, labels: head.labels, cache }, 200);
    })
    .openapi(download, async (c) => {
      const { model, headId } = c.req.valid('param');
      const m = await requireModel(c.var.models, model);
      const got = await c.var.heads.getHead(c.var.tenant, m.name, headId);
      if (got.status === 'unavailable') throw new ApiError(503, 'cache_unavailable', 'the head cache is unavailable; retry', { 'retry-after': '5' });
      // Only bytes that verify leave the worker: a damaged value is as good as absent.
      const madeWith = got.status === 'hit' ? await decodeHead(new Uint8Array(got.value.bytes)).then((h) => h.modelId, () => undefined) : undefined;
      if (madeWith !== undefined && madeWith !== m.data.id) throw staleHead(m, headId, madeWith);
      if (madeWith === undefined || got.status !== 'hit') throw new ApiError(404, 'head_not_found', 'no such head for this tenant and model');
      return c.body(got.value.bytes, 200, { 'content-type': 'application/octet-stream' });
    });
