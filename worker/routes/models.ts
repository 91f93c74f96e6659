import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { ModelParam, problemResponses } from '../schemas/common';
import { ModelInfoSchema, ModelListSchema } from '../schemas/models';
import { ApiError } from '../problem';
import type { RegisteredModel } from '../models/registered-model';
import type { AppEnv } from '../types';

/** Bundle metadata as the API shows it. */
export function modelInfo(m: RegisteredModel) {
  const origin = { source: m.source, ...(m.version !== undefined ? { version: m.version, publishedAt: m.publishedAt, ...(m.note !== undefined ? { note: m.note } : {}) } : {}) };
  if (m.status === 'error') return { name: m.name, status: m.status, error: m.error, ...origin };
  const { spec, defaults, provenance, tensors, id } = m.data;
  const parameters = Object.entries(tensors)
    .filter(([k]) => !k.startsWith('lr/'))
    .reduce((n, [, t]) => n + t.data.length, 0);
  return {
    name: m.name,
    status: m.status,
    ...origin,
    id,
    task: spec.task,
    inputShape: spec.inputShape,
    inputLength: spec.inputShape.reduce((a, b) => a * b, 1),
    classes: defaults.headInit === 'prototype' ? ('any' as const) : (defaults.labels ?? []),
    defaults: { scope: defaults.scope, steps: defaults.steps, lr: defaults.lr, lrMode: defaults.lrMode, headInit: defaults.headInit, limits: { ...defaults.limits } },
    sizes: { bundleBytes: m.bundleBytes, parameters },
    provenance: { ...provenance },
  };
}

const list = createRoute({
  method: 'get',
  path: '/models',
  operationId: 'listModels',
  summary: 'Every model this worker serves',
  security: [{ bearer: [] }],
  responses: { 200: { description: 'Models', content: { 'application/json': { schema: ModelListSchema } } }, ...problemResponses(401) },
});

const one = createRoute({
  method: 'get',
  path: '/models/{model}',
  operationId: 'getModel',
  summary: 'One model: task, input shape, classes, adaptation defaults and limits, sizes, provenance',
  security: [{ bearer: [] }],
  request: { params: ModelParam },
  responses: { 200: { description: 'Model', content: { 'application/json': { schema: ModelInfoSchema } } }, ...problemResponses(401, 404, 503) },
});

/** GET /v1/models and /v1/models/:model. */
export const modelRoutes = () =>
  new OpenAPIHono<AppEnv>()
    .openapi(list, async (c) => c.json({ models: (await c.var.models.all()).map(modelInfo) }, 200))
    .openapi(one, async (c) => {
      const m = await c.var.models.get(c.req.valid('param').model);
      if (!m) throw new ApiError(404, 'model_not_found', `no model named '${c.req.valid('param').model}'`);
      return c.json(modelInfo(m), 200);
    });
