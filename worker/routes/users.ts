import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { ModelParam, UserId, problemResponses } from '../schemas/common';
import { requireModel } from '../models/require-model';
import { ApiError } from '../problem';
import type { AppEnv } from '../types';

const route = createRoute({
  method: 'delete',
  path: '/models/{model}/users/{user}',
  summary: "Forget a user: delete every head they adapted and their pointer",
  security: [{ bearer: [] }],
  request: { params: ModelParam.extend({ user: UserId.openapi({ param: { name: 'user', in: 'path' } }) }) },
  responses: { 204: { description: 'Deleted (or there was nothing to delete)' }, ...problemResponses(400, 401, 404, 503) },
});

/** DELETE /v1/models/:model/users/:user */
export const userRoutes = () =>
  new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
    const { model, user } = c.req.valid('param');
    const m = await requireModel(c.var.models, model);
    try {
      await c.var.heads.deleteUser(c.var.tenant, m.name, user);
    } catch (e) {
      throw new ApiError(503, 'cache_unavailable', `could not delete the user's heads: ${e instanceof Error ? e.message : String(e)}`, { 'retry-after': '5' });
    }
    return c.body(null, 204);
  });

