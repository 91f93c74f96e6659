import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { predict } from '../../src/engine/index';
import { ModelParam, problemResponses } from '../schemas/common';
import { PredictRequestSchema, PredictResponseSchema } from '../schemas/predict';
import { adaptCached, readHead, staleHead } from '../heads/resolve-head';
import { checkPredictLimits, checkSupportLimits, checkUserLength } from '../limits';
import { requireModel } from '../models/require-model';
import { engineCall } from '../engine-errors';
import { ApiError } from '../problem';
import { headFromExamples } from '../examples/sync-head';
import { timingHooks } from './timing-hooks';
import type { AppEnv } from '../types';
import type { ResolvedHead } from '../heads/resolve-head';

const route = createRoute({
  method: 'post',
  path: '/models/{model}/predict',
  operationId: 'predict',
  summary: "Predict with a user's head (by user or headId); with `support`, a cache miss re-adapts inline",
  description:
    'By `user`, a user taught through `/examples` whose head is missing, unreadable or stale (the model was updated) is re-adapted from their stored ' +
    'examples first (`readapted: true`), so a model update never makes them a 409.',
  security: [{ bearer: [] }],
  request: { params: ModelParam, body: { required: true, content: { 'application/json': { schema: PredictRequestSchema } } } },
  responses: {
    200: { description: 'Predictions', content: { 'application/json': { schema: PredictResponseSchema } } },
    ...problemResponses(400, 401, 404, 409, 413, 422, 429, 503),
  },
});

/** POST /v1/models/:model/predict */
export const predictRoutes = () =>
  new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
    const { model } = c.req.valid('param');
    const body = c.req.valid('json');
    const { config, heads, tenant } = c.var;
    checkPredictLimits(config, body.inputs);
    checkUserLength(config, body.user);
    if (body.support) checkSupportLimits(config, body.support, body.steps, body.lr);
    const m = await requireModel(c.var.models, model);
    const hooks = timingHooks(c);
    let resolved: ResolvedHead | undefined;
    let readapted = false;
    if (body.support) {
      // The support set names its head by content; the cache either has it or we adapt inline.
      resolved = await adaptCached(heads, tenant, m, body.support, { steps: body.steps, lr: body.lr, user: body.user }, hooks);
    } else {
      let headId = body.headId;
      let cacheDown = false;
      if (!headId && body.user !== undefined) {
        const p = await hooks.measure('kv-read', () => heads.getPointer(tenant, m.name, body.user!));
        if (p.status === 'hit') headId = p.value.latest;
        cacheDown = p.status === 'unavailable';
      }
      let stale: string | undefined;
      if (headId) {
        const got = await hooks.measure('kv-read', () => readHead(heads, tenant, m, headId!));
        if (got.status === 'stale') stale = got.madeWith;
        if (got.head) resolved = { headId, head: got.head, cache: 'hit', adapted: false, steps: 0, lr: 0, stepsUsed: 0, loss: { before: null, after: null } };
        cacheDown ||= got.status === 'unavailable';
      }
      // A user taught through /examples whose head is gone, stale or unreadable is re-adapted from the stored examples.
      if (!resolved && !body.headId && body.user !== undefined && c.var.examples) {
        const o = await headFromExamples({ examples: c.var.examples, heads, m, ref: { tenant, model: m.name, user: body.user }, timing: hooks, headTtlSeconds: config.HEAD_TTL_SECONDS });
        if (o) {
          resolved = { headId: o.headId!, head: o.head!, cache: o.cache, adapted: o.adapted, steps: o.steps ?? 0, lr: o.lr ?? 0, stepsUsed: o.steps ?? 0, loss: o.loss };
          readapted = o.readapted;
        }
      }
      if (!resolved && stale !== undefined) throw staleHead(m, headId!, stale);
      if (!resolved && cacheDown) throw new ApiError(503, 'cache_unavailable', 'the head cache is unavailable; retry, or send the support set to re-adapt inline', { 'retry-after': '5' });
      if (!resolved) throw new ApiError(404, 'head_not_found', 'no head for this user/headId (expired, deleted, or never adapted); send `support` to adapt inline');
    }
    const head = resolved.head;
    const predictions = await hooks.measure('predict', async () => engineCall(() => predict(m.model, head, body.inputs, { unknownDistance: body.unknownDistance })));
    return c.json(
      { headId: resolved.headId, model: m.name, modelVersion: m.data.id.slice(0, 12), cache: resolved.cache, adapted: resolved.adapted, readapted, predictions },
      200,
    );
  });
