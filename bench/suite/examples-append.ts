// Appending one example to a user who has 24 stored (a 5-way 5-shot set minus one), against a full
// adapt of the same 25 examples, through the production app in the same isolate, interleaved. The
// append includes what the examples API adds: the store's append, commit and ack (a Durable Object
// in workerd, files in Node) and the user's pointer; both write their head to the (in-memory) KV.
import { serverTiming } from '../node/server-timing';
import { apiRequest } from './app-requests';
import { summarize } from './stats';
import type { SupportSet } from '../../src/engine/index';
import type { FetchApp } from './app-requests';
import type { Stats } from './stats';

export interface ExamplesAppendResult {
  /** POST …/users/:user/examples with one example, 24 stored: wall time in the isolate, per request. */
  append_ms: Stats;
  /** POST /adapt with the same 25 examples (a cache miss), interleaved with the appends. */
  adapt_ms: Stats;
  /** append p50 ÷ adapt p50. */
  ratio_p50: number;
  /** Mean Server-Timing spans of the appends: `examples` (store calls), `adapt`, `kv-read`, `kv-write`, `total`. */
  append_spans: Record<string, number>;
  /** The same for the full adapts. */
  adapt_spans: Record<string, number>;
  stored_examples: number;
}

/** A copy of `base` made unique by `i` in two pixels of its first image, in 1/255 steps (so it stays unique once stored as u8). */
function uniqueImages(base: SupportSet, i: number): SupportSet {
  const inputs = base.inputs.map((r) => [...r]);
  inputs[0]![0] = ((i % 255) + 1) / 255;
  inputs[0]![1] = (Math.floor(i / 255) % 255) / 255;
  return { inputs, labels: base.labels };
}

async function post(app: FetchApp, env: unknown, path: string, body: unknown): Promise<{ ms: number; json: Record<string, unknown>; spans: Record<string, number> }> {
  const req = apiRequest('http://bench.local', path, JSON.stringify(body));
  const t0 = performance.now();
  const res = await app.fetch(req, env);
  const json = (await res.json()) as Record<string, unknown>;
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${path} → ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return { ms, json, spans: serverTiming(res.headers.get('server-timing')) };
}

/** Times `samples` appends and as many full adapts (after `warmup` of each), alternating which goes first. */
export async function benchExamplesAppend(app: FetchApp, env: unknown, base: SupportSet, opts: { quick: boolean; model?: string; run?: string }): Promise<ExamplesAppendResult> {
  const model = opts.model ?? 'glyphs';
  const run = opts.run ?? String(Date.now());
  const warmup = opts.quick ? 2 : 5;
  const samples = opts.quick ? 7 : 21;
  const n = base.inputs.length;
  const appends: number[] = [];
  const adapts: number[] = [];
  const spans: Record<string, number> = {};
  const fullSpans: Record<string, number> = {};
  for (let i = 0; i < warmup + samples; i++) {
    const mine = uniqueImages(base, i);
    const user = `append-${run}-${i}`;
    // Untimed: the user's first 24 examples (their own head is adapted and stored here).
    await post(app, env, `/v1/models/${model}/users/${user}/examples`, { inputs: mine.inputs.slice(0, n - 1), labels: mine.labels.slice(0, n - 1) });
    const append = () => post(app, env, `/v1/models/${model}/users/${user}/examples`, { inputs: [mine.inputs[n - 1]], labels: [mine.labels[n - 1]] });
    const full = () => post(app, env, `/v1/models/${model}/adapt`, { user: `adapt-${run}-${i}`, support: uniqueImages(base, 20_000 + i) });
    const [a, f] = i % 2 === 0 ? [await append(), await full()] : await full().then(async (f) => [await append(), f] as const);
    if (a.json.examples !== n || a.json.adapted !== true) throw new Error(`append: expected ${n} examples and a new head, got ${JSON.stringify(a.json).slice(0, 300)}`);
    if (f.json.cache !== 'miss') throw new Error(`adapt: expected a cache miss, got ${String(f.json.cache)}`);
    if (i < warmup) continue;
    appends.push(a.ms);
    adapts.push(f.ms);
    for (const [k, v] of Object.entries(a.spans)) spans[k] = (spans[k] ?? 0) + v / samples;
    for (const [k, v] of Object.entries(f.spans)) fullSpans[k] = (fullSpans[k] ?? 0) + v / samples;
  }
  const append_ms = summarize(appends);
  const adapt_ms = summarize(adapts);
  return { append_ms, adapt_ms, ratio_p50: append_ms.p50 / adapt_ms.p50, append_spans: spans, adapt_spans: fullSpans, stored_examples: n };
}
