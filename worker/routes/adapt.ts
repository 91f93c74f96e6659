import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { AdaptRequestSchema, AdaptResponseSchema } from '../schemas/adapt';
import { ModelParam, problemResponses } from '../schemas/common';
import { adaptCached } from '../heads/resolve-head';
import { checkSupportLimits, checkUserLength } from '../limits';
import { requireModel } from '../models/require-model';
import { timingHooks } from './timing-hooks';
import type { AppEnv } from '../types';

const route = createRoute({
  method: 'post',
  path: '/models/{model}/adapt',
  operationId: 'adapt',
  summary: "Adapt the model's head to a user's support set; the head is cached in KV and the user points at it",
  description:
    'Inputs are flattened row-major floats (images: 28×28 grayscale in [0,1], 784 numbers, ink = 1, background = 0; ' +
      'embedding-input models: the D numbers of a vector computed elsewhere; GET /v1/models/{model} gives inputLength). ' +
    "The head id is the SHA-256 of the head's bytes — the id download, upload, the CLI and the browser runtime use. " +
    'The same (model, support set, steps, lr) again is a cache hit that runs and writes nothing.',
  security: [{ bearer: [] }],
  request: { params: ModelParam, body: { required: true, content: { 'application/json': { schema: AdaptRequestSchema } } } },
  responses: {
    200: { description: 'Adapted (or found in the cache)', content: { 'application/json': { schema: AdaptResponseSchema } } },
    ...problemResponses(400, 401, 404, 413, 422, 429, 503),
  },
});

/** POST /v1/models/:model/adapt */
export const adaptRoutes = () =>
  new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
    const { model } = c.req.valid('param');
    const body = c.req.valid('json');
    checkSupportLimits(c.var.config, body.support, body.steps, body.lr);
    checkUserLength(c.var.config, body.user);
    const m = await requireModel(c.var.models, model);
    const r = await adaptCached(c.var.heads, c.var.tenant, m, body.support, { steps: body.steps, lr: body.lr, optimizer: body.optimizer, user: body.user }, timingHooks(c));
    return c.json(
      { headId: r.headId, model: m.name, modelVersion: m.data.id.slice(0, 12), labels: r.head.labels, steps: r.steps, lr: r.lr, stepsUsed: r.stepsUsed, ...(r.guard ? { guard: r.guard } : {}), loss: r.loss, cache: r.cache },
      200,
    );
  });
