import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { problemResponses } from '../schemas/common';
import { AppendExamplesSchema, ExampleParams, ListExamplesQuery, RemoveClassQuery, UserExamplesSchema, UserParams } from '../schemas/examples';
import { capsFor, checkOptions, encodeBatch, examplesBody, itemOf, requireStore, storeCall } from '../examples/requests';
import { repairHead, settleHead, supportOf } from '../examples/sync-head';
import { checkUserLength } from '../limits';
import { requireModel } from '../models/require-model';
import { timingHooks } from './timing-hooks';
import type { Context } from 'hono';
import type { Selection } from '../../src/examples/ledger';
import type { AppEnv } from '../types';
import type { ExamplesContext } from '../examples/sync-head';

const json = (description: string) => ({ 200: { description, content: { 'application/json': { schema: UserExamplesSchema } } } });

const append = createRoute({
  method: 'post',
  path: '/models/{model}/users/{user}/examples',
  operationId: 'appendExamples',
  summary: "Add examples to a user's stored set and re-adapt their head from all of them",
  description:
    'The examples are checked (input length, finite values, label kind, caps) and stored all or none; then the head is adapted from every stored ' +
    'example, oldest first, with the model\'s defaults (or this call\'s `steps`/`lr`), and the user points at it. Correcting a wrong prediction is an ' +
    'append with the right label. With fewer than two classes there is no head yet (`headId: null`). Concurrent appends for one user are never lost.',
  security: [{ bearer: [] }],
  request: { params: UserParams, body: { required: true, content: { 'application/json': { schema: AppendExamplesSchema } } } },
  responses: { ...json('Stored and re-adapted'), ...problemResponses(400, 401, 404, 413, 422, 429, 503) },
});

const list = createRoute({
  method: 'get',
  path: '/models/{model}/users/{user}/examples',
  operationId: 'listExamples',
  summary: "A user's stored examples: counts per label (the caller's tenant only); with flags, every id, or the examples themselves",
  description: 'A head that lags its examples (after a crash, a KV outage or a model update) is brought up to date first (`readapted`).',
  security: [{ bearer: [] }],
  request: { params: UserParams, query: ListExamplesQuery },
  responses: { ...json("The user's examples"), ...problemResponses(400, 401, 404, 503) },
});

const removeOne = createRoute({
  method: 'delete',
  path: '/models/{model}/users/{user}/examples/{exampleId}',
  operationId: 'deleteExample',
  summary: 'Remove one example and re-adapt',
  security: [{ bearer: [] }],
  request: { params: ExampleParams },
  responses: { ...json('Removed and re-adapted'), ...problemResponses(400, 401, 404, 429, 503) },
});

const removeClass = createRoute({
  method: 'delete',
  path: '/models/{model}/users/{user}/examples',
  operationId: 'deleteExampleClass',
  summary: 'Remove every example of one label and re-adapt (no examples left, or one class left: the user has no head)',
  security: [{ bearer: [] }],
  request: { params: UserParams, query: RemoveClassQuery },
  responses: { ...json('Removed and re-adapted'), ...problemResponses(400, 401, 404, 429, 503) },
});

async function contextOf(c: Context<AppEnv>, model: string, user: string): Promise<ExamplesContext> {
  checkUserLength(c.var.config, user);
  const examples = requireStore(c.var.examples);
  const m = await requireModel(c.var.models, model);
  return { examples, heads: c.var.heads, m, ref: { tenant: c.var.tenant, model: m.name, user }, timing: timingHooks(c), headTtlSeconds: c.var.config.HEAD_TTL_SECONDS };
}

async function removeAndSettle(c: Context<AppEnv>, model: string, user: string, sel: Selection) {
  const ctx = await contextOf(c, model, user);
  const snap = await storeCall(() => ctx.timing.measure('examples', () => ctx.examples.remove(ctx.ref, sel, capsFor(c.var.config, ctx.m))));
  const outcome = await settleHead(ctx, snap, { readapt: false });
  return c.json({ ...examplesBody(ctx.m, user, snap, outcome, outcome.headId), removed: snap.removed }, 200);
}

/** POST, GET and DELETE /v1/models/:model/users/:user/examples[/:exampleId] */
export const examplesRoutes = () =>
  new OpenAPIHono<AppEnv>()
    .openapi(append, async (c) => {
      const { model, user } = c.req.valid('param');
      const body = c.req.valid('json');
      const ctx = await contextOf(c, model, user);
      checkOptions(c.var.config, ctx.m, body.steps, body.lr);
      const batch = encodeBatch(c.var.config, ctx.m, body.inputs, body.labels);
      const snap = await storeCall(() => ctx.timing.measure('examples', () => ctx.examples.append(ctx.ref, batch, capsFor(c.var.config, ctx.m))));
      const outcome = await settleHead(ctx, snap, { steps: body.steps, lr: body.lr, readapt: false });
      return c.json({ ...examplesBody(ctx.m, user, snap, outcome, outcome.headId), added: snap.added.map(itemOf) }, 200);
    })
    .openapi(list, async (c) => {
      const { model, user } = c.req.valid('param');
      const q = c.req.valid('query');
      const ctx = await contextOf(c, model, user);
      let snap = await storeCall(() => ctx.timing.measure('examples', () => ctx.examples.read(ctx.ref, { data: q.inputs === '1' })));
      const repaired = await storeCall(() => repairHead(ctx, snap));
      if (repaired && q.inputs === '1') snap = await storeCall(() => ctx.examples.read(ctx.ref, { data: true }));
      const headId = repaired ? repaired.headId : (snap.state?.head?.headId ?? null);
      return c.json(
        {
          ...examplesBody(ctx.m, user, snap, repaired, headId),
          ...(q.ids === '1' ? { items: snap.examples.map(itemOf) } : {}),
          ...(q.inputs === '1' ? { support: supportOf(snap.examples) } : {}),
        },
        200,
      );
    })
    .openapi(removeOne, async (c) => {
      const { model, user, exampleId } = c.req.valid('param');
      return removeAndSettle(c, model, user, { id: exampleId });
    })
    .openapi(removeClass, async (c) => {
      const { model, user } = c.req.valid('param');
      return removeAndSettle(c, model, user, { label: c.req.valid('query').label });
    });
