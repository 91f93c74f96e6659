import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { ModelParam, UserId, problemResponses } from '../schemas/common';
import { UserHeadsSchema } from '../schemas/users';
import { listUserHeads } from '../heads/list-user';
import { storeCall } from '../examples/requests';
import { checkUserLength } from '../limits';
import { requireModel } from '../models/require-model';
import { ApiError } from '../problem';
import type { AppEnv } from '../types';

const params = ModelParam.extend({ user: UserId.openapi({ param: { name: 'user', in: 'path' } }) });

const remove = createRoute({
  method: 'delete',
  path: '/models/{model}/users/{user}',
  operationId: 'deleteUser',
  summary: "Forget a user: delete their stored examples, every head they adapted and their pointer",
  security: [{ bearer: [] }],
  request: { params },
  responses: { 204: { description: 'Deleted (or there was nothing to delete)' }, ...problemResponses(400, 401, 404, 503) },
});

const list = createRoute({
  method: 'get',
  path: '/models/{model}/users/{user}',
  operationId: 'listUserHeads',
  summary: "A user's heads for this model, newest first (the caller's tenant only)",
  description:
    'Read from the user\'s pointer, which lists every head they adapted or uploaded (at most 32, so there is no cursor). ' +
    'Heads that expired or no longer verify are left out; a user with no heads — or another tenant\'s user — is an empty list.',
  security: [{ bearer: [] }],
  request: { params },
  responses: { 200: { description: "The user's heads", content: { 'application/json': { schema: UserHeadsSchema } } }, ...problemResponses(400, 401, 404, 503) },
});

const unavailable = (what: string) => new ApiError(503, 'cache_unavailable', `${what}; retry`, { 'retry-after': '5' });

/** GET and DELETE /v1/models/:model/users/:user */
export const userRoutes = () =>
  new OpenAPIHono<AppEnv>()
    .openapi(remove, async (c) => {
      const { model, user } = c.req.valid('param');
      checkUserLength(c.var.config, user);
      const m = await requireModel(c.var.models, model);
      const examples = c.var.examples;
      if (examples) {
        // The heads the examples made (and their adapt-index entries), then the examples, then (below) the pointer and its heads: a failure at any step
        // is a 503 whose retry finds what is left. Examples go before the pointer, or the next predict would re-adapt them.
        const ref = { tenant: c.var.tenant, model: m.name, user };
        const snap = await storeCall(() => examples.read(ref, { data: false }));
        const made = snap.state?.heads ?? [];
        const deleted = await Promise.all([
          ...made.map((h) => c.var.heads.deleteHead(ref.tenant, m.name, h.id)),
          ...made.flatMap((h) => (h.adaptKey ? [c.var.heads.deleteAdaptIndex(ref.tenant, m.name, h.adaptKey)] : [])),
        ]);
        if (deleted.includes(false)) throw unavailable("could not delete the user's heads");
        await storeCall(() => examples.deleteUser(ref));
      }
      try {
        await c.var.heads.deleteUser(c.var.tenant, m.name, user);
      } catch (e) {
        throw unavailable(`could not delete the user's heads: ${e instanceof Error ? e.message : String(e)}`);
      }
      return c.body(null, 204);
    })
    .openapi(list, async (c) => {
      const { model, user } = c.req.valid('param');
      checkUserLength(c.var.config, user);
      const m = await requireModel(c.var.models, model);
      const heads = await listUserHeads(c.var.heads, c.var.tenant, m, user);
      if (heads === null) throw unavailable('the head cache is unavailable');
      return c.json({ model: m.name, user, heads }, 200);
    });
