// `npm run bench:http` — the same API over HTTP on both servers, side by side in one run:
// `wrangler dev` (workerd) and `fewshot serve` (Node). Sequential requests on loopback, quotas off:
// adapt miss (a new 5-way 5-shot glyph support set each time), adapt hit, predict (5 queries).
//   --requests N   requests per kind and server (default 50)    --json   one JSON object on stdout
import { loadavg } from 'node:os';
import { glyphInputs } from './node/inputs';
import { measureServer, startFewshotServe, startWranglerDev } from './node/http';
import type { HttpResult, StartedServer } from './node/http';

const argv = process.argv.slice(2);
const n = argv.includes('--requests') ? Number(argv[argv.indexOf('--requests') + 1]) : 50;
if (!Number.isInteger(n) || n < 1) {
  console.error('bench:http: --requests must be a positive integer');
  process.exit(2);
}
console.log = (...a: unknown[]) => console.error(...a);
const log = (m: string) => console.error(`[bench:http] ${m}`);

async function one(start: () => Promise<StartedServer>, inputs: Awaited<ReturnType<typeof glyphInputs>>): Promise<HttpResult> {
  const server = await start();
  try {
    return await measureServer(server, inputs, { n, warmup: 10, log });
  } finally {
    await server.stop();
  }
}

const inputs = await glyphInputs();
const load = loadavg();
const results = { 'wrangler dev (workerd)': await one(startWranglerDev, inputs), 'fewshot serve (Node)': await one(startFewshotServe, inputs) };
const f = (x: number) => x.toFixed(1);
const rows = Object.entries(results).map(([name, r]) =>
  `| ${name} | ${f(r.adapt_miss.wall_ms.p50)} / ${f(r.adapt_miss.p95_ms)} | ${f(r.adapt_hit.wall_ms.p50)} / ${f(r.adapt_hit.p95_ms)} | ${f(r.predict.wall_ms.p50)} / ${f(r.predict.p95_ms)} | ${f(r.cold_first_request_ms)} | ${Math.round(r.startup_ms)} |`,
);
const table = [
  `${n} sequential requests per kind, loopback, load average ${load.map((v) => v.toFixed(2)).join(' ')} at start; ms, median / p95`,
  '',
  '| server | adapt miss | adapt hit | predict | first request | start-up |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n');
if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ requests_per_kind: n, load_average_start: load, results })}\n`);
else console.error(`\n${table}`);
process.exit(0);
