// Source of the tiny entry module each cold-start isolate runs (written next to the production build
// and given to Miniflare as plain JS). Its first request imports the production worker — so module
// evaluation is timed inside a request, where workerd's clock runs (at global scope it reads 0) — then
// sends the production app its first adapt, a second adapt (new support: a cache miss) and a predict.
export const COLD_ENTRY_FILE = 'bench-cold-entry.mjs';

/** The entry's source; `main` is the production build's entry file name (index.js). */
export const coldEntrySource = (main: string): string => `
const headers = { authorization: 'Bearer local-dev-key', 'content-type': 'application/json' };
const post = (path, body) => new Request('http://127.0.0.1' + path, { method: 'POST', body, headers });
export default {
  async fetch(req, env, ctx) {
    const input = await req.json();
    const t0 = performance.now();
    const mod = await import('./${main}');
    const t1 = performance.now();
    const r1 = await mod.default.fetch(post('/v1/models/glyphs/adapt', input.first), env, ctx);
    const j1 = await r1.json();
    const t2 = performance.now();
    const r2 = await mod.default.fetch(post('/v1/models/glyphs/adapt', input.second), env, ctx);
    const j2 = await r2.json();
    const t3 = performance.now();
    const r3 = await mod.default.fetch(post('/v1/models/glyphs/predict', JSON.stringify({ headId: j1.headId, inputs: input.queries })), env, ctx);
    await r3.json();
    const t4 = performance.now();
    return Response.json({
      module_eval_ms: t1 - t0,
      first_request_ms: t2 - t1,
      second_request_ms: t3 - t2,
      first_predict_ms: t4 - t3,
      statuses: [r1.status, r2.status, r3.status],
      cache: [j1.cache, j2.cache],
      server_timing: r1.headers.get('server-timing'),
    });
  },
};
`;
