// `npm run bench` — the benchmark suite: Node, workerd (Miniflare) and HTTP (wrangler dev) side by
// side in one run. Progress goes to stderr; with --json stdout gets exactly one JSON object.
//   --quick            fewer samples, 3 cold isolates, 40 HTTP requests per kind, no meta-training
//   --json             print the summary object on stdout (see bench/report/summary.ts)
//   --no-http --no-workerd --no-meta --meta --cold N --requests N
//   --write / --no-write   results file + docs table (default: write on full runs only)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildWorker, ROOT, uploadSize } from './node/build';
import { coldNode } from './node/cold-node';
import { benchHttp } from './node/http';
import { glyphInputs } from './node/inputs';
import { runWorkerd } from './node/workerd-runs';
import { runNodeSuite } from './node/runtime';
import { BENCH_USAGE, BenchUsageError, parseArgs } from './report/args';
import { renderTables, spliceSection } from './report/markdown';
import { missingKeys, summarizeRuntime, SUMMARY_SCHEMA, targetsOf } from './report/summary';
import type { HttpResult } from './node/http';
import type { MetaProfile } from './node/meta-profile';
import type { TileExperiment } from './node/tile-experiment';
import type { TrainSpeed } from './node/train-speed';
import type { UploadSize } from './node/build';
import type { RuntimeResult } from './suite/in-runtime';
import type { HttpSummary, Summary } from './report/summary';
import type { WorkerdRuns } from './node/workerd-runs';

const parsed = (() => {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof BenchUsageError)) throw e;
    process.stderr.write(`bench: ${e.message}\n`);
    process.exit(2);
  }
})();
if (parsed === 'help') {
  process.stdout.write(`${BENCH_USAGE}\n`);
  process.exit(0);
}
const args = parsed;
const out = process.stdout.write.bind(process.stdout);
// Anything that logs (the app's request log, tfjs) must not reach stdout.
console.log = (...a: unknown[]) => console.error(...a);
const t0 = performance.now();
const log = (m: string): void => console.error(`[bench ${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}`);

function httpSummary(h: HttpResult): HttpSummary {
  const pick = (k: HttpResult['adapt_hit']) => ({ p50: k.wall_ms.p50, p90: k.wall_ms.p90, p99: k.wall_ms.p99 });
  return { requests_per_kind: h.requests_per_kind, cold_first_request_ms: h.cold_first_request_ms, adapt_miss: { ...pick(h.adapt_miss), server_adapt_mean_ms: h.adapt_miss.server.adapt?.mean ?? null }, adapt_hit: pick(h.adapt_hit), predict: pick(h.predict) };
}

async function main(): Promise<void> {
  const loadStart = loadavg();
  log(`load average ${loadStart.map((v) => v.toFixed(2)).join(' ')}; building workers`);
  const [bench, prod, noPreload] = await Promise.all([
    buildWorker('bench/worker/wrangler.toml', { minify: false }),
    buildWorker('wrangler.toml', { minify: true }),
    buildWorker('wrangler.toml', { minify: true, entry: 'bench/worker/no-preload.ts' }),
  ]);
  const cleanup = (): void => [bench, prod, noPreload].forEach((b) => rmSync(b.outdir, { recursive: true, force: true }));
  process.once('exit', cleanup);
  const upload: UploadSize = uploadSize(prod);
  const inputs = await glyphInputs();

  log('node: warm suite');
  const node: RuntimeResult = await runNodeSuite(inputs, { quick: args.quick, log });
  log(`node: ${args.cold} cold processes per mode`);
  const nodeCold = await coldNode(inputs, args.cold);

  let workerd: WorkerdRuns | null = null;
  if (args.workerd) {
    log('workerd: starting Miniflare');
    workerd = await runWorkerd({ bench, prod, noPreload }, inputs, { quick: args.quick, cold: args.cold, log });
  }

  let http: HttpResult | null = null;
  if (args.http) http = await benchHttp(inputs, { n: args.requests, warmup: args.quick ? 5 : 20, log });

  let meta: MetaProfile[] | null = null;
  let tile: TileExperiment | null = null;
  let train: TrainSpeed | null = null;
  if (args.meta) {
    const { META_CONFIGS, profileMeta } = await import('./node/meta-profile');
    const { tileExperiment } = await import('./node/tile-experiment');
    meta = [];
    for (const c of META_CONFIGS) {
      log(`meta-training: ${c.label}`);
      meta.push(await profileMeta(c.label, c.options, c.options.task === 'glyphs' ? 3 : 20));
    }
    tile = await tileExperiment();
    const { trainSpeed } = await import('./node/train-speed');
    train = await trainSpeed(log);
  }

  const nodeSummary = summarizeRuntime(node, nodeCold);
  const workerdSummary = workerd ? summarizeRuntime(workerd.suite, workerd.cold, workerd.started) : null;
  const summary: Summary = {
    schema: SUMMARY_SCHEMA,
    date: new Date().toISOString().slice(0, 10),
    quick: args.quick,
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version, load_average_start: loadStart, load_average_end: loadavg() },
    node: nodeSummary,
    workerd: workerdSummary,
    http: http ? httpSummary(http) : null,
    upload_bytes_gzip: upload.gzip_bytes,
    wasm_heap_growth_bytes: (workerdSummary ?? nodeSummary).wasm_heap_growth_bytes,
    targets: [],
  };
  summary.targets = targetsOf(summary);
  const missing = missingKeys(summary);
  if (missing.length > 0 && args.workerd) throw new Error(`summary lacks ${missing.join(', ')}`);

  if (args.write) {
    const dir = join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${summary.date}${args.quick ? '-quick' : ''}.json`);
    const raw = { node, workerd: workerd?.suite ?? null, cold: { node: nodeCold, workerd: workerd?.cold ?? null, workerd_started: workerd?.started ?? null }, http, upload, meta, tile, train };
    writeFileSync(file, `${JSON.stringify({ summary, raw }, null, 2)}\n`);
    const docPath = join(ROOT, 'docs/benchmarks.md');
    writeFileSync(docPath, spliceSection(readFileSync(docPath, 'utf8'), renderTables(summary, { upload, meta, tile, train })));
    log(`wrote ${file} and docs/benchmarks.md`);
  }
  if (args.json) out(`${JSON.stringify(summary)}\n`);
  else console.error(renderTables(summary, { upload, meta, tile, train }));
  log('done');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
