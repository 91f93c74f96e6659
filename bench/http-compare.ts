// `npm run bench:http` — the same API over HTTP on both servers, side by side in one run:
// `wrangler dev` (workerd) and `fewshot serve` (Node). Both are up at once and requests alternate
// between them (A, B, B, A, ...), so background load drifts onto both alike. Sequential requests on
// loopback: adapt miss (a new 5-way 5-shot glyph support set each time), adapt hit, predict (5 queries).
//   --requests N   requests per kind and server (default 50)    --json   one JSON object on stdout
//   --quotas       also both servers with quotas on (limits too high to refuse): the cost of counting
import { loadavg } from 'node:os';
import { uniqueSupport } from './suite/app-requests';
import { glyphInputs } from './node/inputs';
import { kind, startFewshotServe, startWranglerDev, timed } from './node/http';
import type { HttpKind, StartedServer } from './node/http';

const argv = process.argv.slice(2);
const n = argv.includes('--requests') ? Number(argv[argv.indexOf('--requests') + 1]) : 50;
if (!Number.isInteger(n) || n < 1) {
  console.error('bench:http: --requests must be a positive integer');
  process.exit(2);
}
console.log = (...a: unknown[]) => console.error(...a);
const log = (m: string) => console.error(`[bench:http] ${m}`);

const HIGH = JSON.stringify({ default: { adapt: { limit: 1_000_000, period: 60 }, predict: { limit: 1_000_000, period: 60 } } });
const plan: [string, () => Promise<StartedServer>][] = [
  ['wrangler dev (workerd)', () => startWranglerDev()],
  ['fewshot serve (Node)', () => startFewshotServe()],
  ...(argv.includes('--quotas')
    ? ([
        ['wrangler dev, quotas on (Durable Object)', () => startWranglerDev(HIGH)],
        ['fewshot serve, quotas on (in-process)', () => startFewshotServe(HIGH)],
      ] as [string, () => Promise<StartedServer>][])
    : []),
];

interface Row {
  name: string;
  startup_ms: number;
  first_request_ms: number;
  adapt_miss: HttpKind;
  adapt_hit: HttpKind;
  predict: HttpKind;
}

const inputs = await glyphInputs();
const base = inputs.supports[0]!;
const ADAPT = '/v1/models/glyphs/adapt';
const servers: StartedServer[] = [];
try {
  for (const [name, start] of plan) {
    const s = await start();
    servers.push(Object.assign(s, { name }));
    log(`${name} on :${s.port} after ${Math.round(s.startup_ms)} ms`);
  }
  const load = loadavg();
  const first: number[] = [];
  for (const s of servers) {
    first.push((await timed(s.port, ADAPT, JSON.stringify({ user: 'http', support: uniqueSupport(base, 900_000) }), 'miss')).ms);
    for (let i = 0; i < 10; i++) await timed(s.port, ADAPT, JSON.stringify({ user: 'http', support: uniqueSupport(base, 800_000 + i) }), 'miss');
  }
  // One request per server in turn, the order reversed every round.
  const turns = async (one: (s: StartedServer, i: number) => Promise<{ ms: number; spans: Record<string, number> }>): Promise<HttpKind[]> => {
    const samples: { ms: number; spans: Record<string, number> }[][] = servers.map(() => []);
    for (let i = 0; i < n; i++) {
      const order = servers.map((_, k) => k);
      if (i % 2) order.reverse();
      for (const k of order) samples[k]!.push(await one(servers[k]!, i));
    }
    return Promise.all(samples.map((xs) => kind(xs.length, async (i) => xs[i]!)));
  };
  const bodies = Array.from({ length: n }, (_, i) => JSON.stringify({ user: 'http', support: uniqueSupport(base, i) }));
  log(`${n} × adapt miss, adapt hit, predict on ${servers.length} servers, alternating`);
  const miss = await turns((s, i) => timed(s.port, ADAPT, bodies[i]!, 'miss'));
  const hit = await turns((s) => timed(s.port, ADAPT, bodies[0]!, 'hit'));
  const headId = (await timed(servers[0]!.port, ADAPT, bodies[0]!, 'hit')).json.headId;
  const predictBody = JSON.stringify({ headId, inputs: inputs.queries });
  const predict = await turns((s) => timed(s.port, '/v1/models/glyphs/predict', predictBody));
  const rows: Row[] = servers.map((s, k) => ({ name: s.name, startup_ms: s.startup_ms, first_request_ms: first[k]!, adapt_miss: miss[k]!, adapt_hit: hit[k]!, predict: predict[k]! }));
  const f = (x: number) => x.toFixed(1);
  const cell = (h: HttpKind) => `${f(h.wall_ms.p50)} / ${f(h.p95_ms)}`;
  const table = [
    `${n} sequential requests per kind and server, alternating between servers, loopback; load average ${load.map((v) => v.toFixed(2)).join(' ')}; ms, median / p95`,
    '',
    '| server | adapt miss | adapt hit | predict | first request | start-up |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.name} | ${cell(r.adapt_miss)} | ${cell(r.adapt_hit)} | ${cell(r.predict)} | ${f(r.first_request_ms)} | ${Math.round(r.startup_ms)} |`),
  ].join('\n');
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ requests_per_kind: n, load_average: load, rows })}\n`);
  else console.error(`\n${table}`);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
process.exit(0);
