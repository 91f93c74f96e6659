// Two image bundles side by side in one Node process: adapt() of the same 5-way 5-shot glyph support
// sets (bench/node/inputs.ts) and of their 1-shot cut (one example a class), predict() of 5 queries, and the whole adapt request (a cache miss)
// through the production app (`createApp`, KV in memory) serving both, each pair timed alternately
// (`timePair`), so the ratio is like for like on a loaded machine. Used to price a candidate model
// against the default (docs/benchmarks.md: v6 against v5); the suite's workerd rows give the
// absolute request times of the default.
//   npx tsx bench/bundle-compare.ts NEW.fsb OLD.fsb [--quick]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeBundle } from '../src/bundle/index';
import { adapt } from '../src/engine/adapt';
import { createModel } from '../src/engine/model';
import { predict } from '../src/engine/predict';
import { initNodeBackend } from '../wasm/node';
import { createApp } from '../worker/app';
import { BENCH_API_KEYS, apiRequest, uniqueSupport } from './suite/app-requests';
import { MemoryKv } from './suite/memory-kv';
import { glyphInputs } from './node/inputs';
import { pairOptions, timePair } from './suite/stats';

const USAGE = 'usage: npx tsx bench/bundle-compare.ts NEW.fsb OLD.fsb [--quick]';
let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
} catch (e) {
  process.stderr.write(`bundle-compare: ${(e as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (parsed.positionals.length !== 2) {
  process.stderr.write(`bundle-compare: give two bundles\n${USAGE}\n`);
  process.exit(2);
}
await initNodeBackend();
const bytes = parsed.positionals.map((f) => new Uint8Array(readFileSync(f)));
const [a, b] = await Promise.all(bytes.map(async (x) => createModel(await decodeBundle(x))));
const { supports, queries } = await glyphInputs();
const opts = pairOptions(parsed.values.quick === true);
// A new support set each call (as an adapt miss), cycling through the same sets for both models.
const cycle = (m: typeof a): (() => unknown) => {
  let i = 0;
  return () => adapt(m!, supports[i++ % supports.length]!);
};
const [adaptA, adaptB] = await timePair(cycle(a), cycle(b), opts);
// 1-shot: the first example of each class of the same sets (where shifted views, if a bundle has them, apply).
const oneShot = supports.map((s) => {
  const first = s.labels.map((l, i) => s.labels.indexOf(l) === i);
  return { inputs: s.inputs.filter((_, i) => first[i]), labels: s.labels.filter((_, i) => first[i]) };
});
const cycle1 = (m: typeof a): (() => unknown) => {
  let i = 0;
  return () => adapt(m!, oneShot[i++ % oneShot.length]!);
};
const [adapt1A, adapt1B] = await timePair(cycle1(a), cycle1(b), opts);
const heads = [a, b].map((m) => adapt(m!, supports[0]!).head);
const [predictA, predictB] = await timePair(() => predict(a!, heads[0]!, queries), () => predict(b!, heads[1]!, queries), opts);
// The adapt request through the app, the two bundles served as 'new' and 'old'; a support set of its own every call (a miss).
// The app logs a JSON line per request on stdout, where this script prints its result: keep them off it.
console.log = (...args: unknown[]) => console.error(...args);
const kv = new MemoryKv();
const app = createApp({ backend: () => initNodeBackend(), bundles: [{ name: 'new', bytes: async () => bytes[0]! }, { name: 'old', bytes: async () => bytes[1]! }], kv: () => kv });
const env = { API_KEYS: BENCH_API_KEYS, RATE_LIMITS: 'off' };
let unique = 0;
const request = (model: string) => async () => {
  const body = JSON.stringify({ user: 'bench', support: uniqueSupport(supports[unique % supports.length]!, unique++) });
  const res = await app.fetch(apiRequest('http://bench.local', `/v1/models/${model}/adapt`, body), env);
  if (res.status !== 200) throw new Error(`adapt request → ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
};
const [requestA, requestB] = await timePair(request('new'), request('old'), opts);
const row = (name: string, x: typeof adaptA, y: typeof adaptA) => ({ [`${name}_new_ms`]: x.p50, [`${name}_old_ms`]: y.p50, [`${name}_new_over_old`]: x.p50 / y.p50 });
process.stdout.write(`${JSON.stringify({ new: parsed.positionals[0], old: parsed.positionals[1], quick: parsed.values.quick === true, ...row('adapt', adaptA, adaptB), ...row('adapt_1shot', adapt1A, adapt1B), ...row('predict', predictA, predictB), ...row('adapt_request', requestA, requestB) }, null, 2)}\n`);
[a, b].forEach((m) => m!.dispose());
