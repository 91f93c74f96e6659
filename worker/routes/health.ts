import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { HealthSchema } from '../schemas/models';
import type { AppEnv } from '../types';

const route = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'health',
  summary: 'Liveness and what the runtime really is (backend, SIMD, threads, fused kernel, models)',
  responses: {
    200: { description: 'Healthy', content: { 'application/json': { schema: HealthSchema } } },
    503: { description: 'Backend or a model is unavailable', content: { 'application/json': { schema: HealthSchema } } },
  },
});

/** GET /healthz — computed from the live backend and the decoded bundles, never hard-coded. */
export const healthRoutes = () =>
  new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
    let info;
    try {
      info = await c.var.backend();
    } catch (e) {
      const body = { ok: false, backend: 'none', simd: false, threads: 0, fused: false, models: [], error: String(e) };
      return c.json(body, 503);
    }
    const models = (await c.var.models.all()).map((m) => (m.status === 'ready' ? { name: m.name, status: m.status } : { name: m.name, status: m.status, error: m.error }));
    const ok = info.backend === 'wasm' && models.every((m) => m.status === 'ready');
    const body = { ok, backend: info.backend, simd: info.simd, threads: info.threads, fused: info.fused ?? false, models };
    return ok ? c.json(body, 200) : c.json(body, 503);
  });
