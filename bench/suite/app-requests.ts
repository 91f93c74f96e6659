// Whole API requests through the production Hono app (`createApp`), in-process: routing, auth
// (SHA-256 of the key), zod validation of a ~50 KB JSON body, adapt key (SHA-256 of the canonical
// request), adapt, head encoding, KV (in memory here, so no I/O: the time is CPU), JSON response.
import { DEFAULT_HEAD_CACHE } from '../../src/engine/head-cache';
import { pairOptions, timeCalls, timeOptions, timePair } from './stats';
import type { SupportSet } from '../../src/engine/index';
import type { Stats } from './stats';

/** Anything with Hono's `fetch(request, env)`. */
export interface FetchApp {
  fetch(req: Request, env?: unknown): Response | Promise<Response>;
}

export interface AppRequestsResult {
  /** POST /v1/models/glyphs/adapt with a support set never seen before (cache miss: adapts and stores). */
  adapt_miss_ms: Stats;
  /** The same adapt again (cache hit: nothing adapted, nothing written but the user pointer). */
  adapt_hit_ms: Stats;
  /** POST /v1/models/glyphs/predict by headId, 5 inputs (the same head every call: held in the model's head cache). */
  predict_ms: Stats;
  /**
   * The same predict request with a head that is not in the model's head cache (one more head than
   * it holds, in turn), timed alternately with the next one: what every predict request cost before the cache.
   */
  predict_uncached_ms: Stats;
  /** The cached predict request in that alternation (`predict_ms` is timed alone). */
  predict_cached_paired_ms: Stats;
  body_bytes: number;
}

export const BENCH_KEY = 'local-dev-key';
/** sha256("local-dev-key") → tenant "local", as in .dev.vars.example. */
export const BENCH_API_KEYS = JSON.stringify({ ed5a18fb8f807f996d649e379d3f35f39c543a91bdbf88c492f2ebd10d4df86c: 'local' });

/** A copy of `base` made unique by `i`: two pixels of the first image encode i (so its adapt key is new). */
export function uniqueSupport(base: SupportSet, i: number): SupportSet {
  const inputs = base.inputs.map((r) => [...r]);
  inputs[0]![0] = ((i % 1000) + 1) / 1000;
  inputs[0]![1] = (Math.floor(i / 1000) % 1000) / 1000;
  return { inputs, labels: base.labels };
}

/** A JSON POST with the bench key. */
export function apiRequest(origin: string, path: string, body: string): Request {
  return new Request(`${origin}${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' } });
}

async function call(app: FetchApp, env: unknown, path: string, body: string): Promise<Record<string, unknown>> {
  const res = await app.fetch(apiRequest('http://bench.local', path, body), env);
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${path} → ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/**
 * Times adapt requests that miss the adapt cache: every call posts a support set of its own
 * (`uniqueSupport(base, first + i)`), so start `first` past any earlier run on the same KV.
 */
export async function timeAdaptMiss(app: FetchApp, env: unknown, base: SupportSet, opts: { quick: boolean; model?: string; first?: number }): Promise<Stats> {
  const adaptPath = `/v1/models/${opts.model ?? 'glyphs'}/adapt`;
  const first = opts.first ?? 0;
  // Bodies are serialised before timing; every miss gets a body of its own.
  const pool: string[] = [];
  let next = 0;
  const missBody = (): string => {
    while (pool.length <= next) pool.push(JSON.stringify({ user: 'bench', support: uniqueSupport(base, first + pool.length) }));
    return pool[next++]!;
  };
  for (let i = 0; i < 200; i++) missBody();
  next = 0;
  return timeCalls(async () => {
    const r = await call(app, env, adaptPath, missBody());
    if (r.cache !== 'miss') throw new Error(`expected a cache miss, got ${String(r.cache)}`);
  }, timeOptions(opts.quick, true));
}

/** Times the three request kinds against `app` (its KV should be in memory; see MemoryKv). */
export async function benchAppRequests(app: FetchApp, env: unknown, base: SupportSet, queries: number[][], opts: { quick: boolean; model?: string }): Promise<AppRequestsResult> {
  const model = opts.model ?? 'glyphs';
  const adaptPath = `/v1/models/${model}/adapt`;
  const t = timeOptions(opts.quick, true);
  const miss = await timeAdaptMiss(app, env, base, opts);
  const hitBody = JSON.stringify({ user: 'bench', support: base });
  const first = await call(app, env, adaptPath, hitBody);
  const hit = await timeCalls(async () => {
    const r = await call(app, env, adaptPath, hitBody);
    if (r.cache !== 'hit') throw new Error(`expected a cache hit, got ${String(r.cache)}`);
  }, t);
  const predictPath = `/v1/models/${model}/predict`;
  const predictBody = JSON.stringify({ headId: first.headId, inputs: queries });
  const predict = await timeCalls(() => call(app, env, predictPath, predictBody), timeOptions(opts.quick));
  // Heads of their own (support sets no other case posts), more than the head cache holds.
  const others: string[] = [];
  for (let i = 0; i <= DEFAULT_HEAD_CACHE; i++) {
    const r = await call(app, env, adaptPath, JSON.stringify({ user: 'bench-predict', support: uniqueSupport(base, 900_000 + i) }));
    others.push(JSON.stringify({ headId: r.headId, inputs: queries }));
  }
  let k = 0;
  const [cachedPaired, uncached] = await timePair(() => call(app, env, predictPath, predictBody), () => call(app, env, predictPath, others[k++ % others.length]!), pairOptions(opts.quick));
  return { adapt_miss_ms: miss, adapt_hit_ms: hit, predict_ms: predict, predict_uncached_ms: uncached, predict_cached_paired_ms: cachedPaired, body_bytes: hitBody.length };
}
