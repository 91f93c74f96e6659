// workerd through Miniflare: one warm isolate for the suite, plus fresh isolates (one Miniflare
// worker each = one isolate each) whose first request is the cold path.
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Miniflare } from 'miniflare';
import type { Readable } from 'node:stream';
import { BENCH_API_KEYS } from '../suite/app-requests';
import { serverTiming } from './server-timing';
import { COLD_ENTRY_FILE, coldEntrySource } from './cold-entry';
import type { BuiltWorker } from './build';

const COMPAT = '2026-04-20';
type ModuleDef = { type: 'ESModule' | 'CompiledWasm' | 'Data'; path: string };

function modulesOf(built: BuiltWorker, entry: string): ModuleDef[] {
  const type = (p: string): ModuleDef['type'] => (p.endsWith('.wasm') ? 'CompiledWasm' : p.endsWith('.fsb') ? 'Data' : 'ESModule');
  const rest = built.modules.filter((m) => basename(m) !== basename(entry)).map((path) => ({ type: type(path), path }));
  return [{ type: 'ESModule', path: entry }, ...rest];
}

/** workerd's stdout carries the app's per-request log lines (dropped) and the suite's progress (kept). */
function forward(out: Readable, err: Readable, log: (m: string) => void): void {
  createInterface({ input: out }).on('line', (l) => {
    if (l.startsWith('workerd:') || process.env.BENCH_VERBOSE) log(l);
  });
  createInterface({ input: err }).on('line', (l) => log(`workerd stderr: ${l}`));
}

export interface WorkerdRig {
  /** POSTs JSON to a worker by name and returns its JSON answer (throws on a non-200). */
  post(worker: string, path: string, body: unknown): Promise<unknown>;
  /** POSTs a raw API request (bench key) to a worker: status, Server-Timing spans and client wall time. */
  api(worker: string, path: string, body: string): Promise<{ status: number; wall_ms: number; server: Record<string, number>; json: Record<string, unknown> }>;
  dispose(): Promise<void>;
}

/** The builds the rig runs: the bench worker, the production worker, and production without preload. */
export interface RigBuilds {
  bench: BuiltWorker;
  prod: BuiltWorker;
  noPreload: BuiltWorker;
}

const base = { compatibilityDate: COMPAT, compatibilityFlags: [] as string[] };

/** A worker running a production-like build with the API key and a KV namespace. */
const apiWorker = (name: string, build: BuiltWorker, entry = build.main) => ({
  name,
  modules: modulesOf(build, entry),
  modulesRoot: build.outdir,
  bindings: { API_KEYS: BENCH_API_KEYS },
  kvNamespaces: ['HEADS'],
  ...base,
});

/** The warm-suite worker: the bench build, with the production examples Durable Object bound (SQLite storage, in memory). */
export function benchWorker(bench: BuiltWorker): unknown {
  return { name: 'bench', modules: modulesOf(bench, bench.main), modulesRoot: bench.outdir, durableObjects: { USER_EXAMPLES: { className: 'TenantExamples', useSQLite: true } }, ...base };
}

/**
 * The main rig, one isolate per worker: 'bench' (warm suite), and `cold` each of 'cold-parts-i'
 * (bench build, stage timings) and 'cold-app-i' (production imported inside the first request).
 */
export function mainWorkers(builds: RigBuilds, cold: number): unknown[] {
  const { bench, prod } = builds;
  const entry = join(prod.outdir, COLD_ENTRY_FILE);
  writeFileSync(entry, coldEntrySource(basename(prod.main)));
  const benchModules = modulesOf(bench, bench.main);
  return [
    benchWorker(bench),
    ...Array.from({ length: cold }, (_, i) => ({ name: `cold-parts-${i}`, modules: benchModules, modulesRoot: bench.outdir, ...base })),
    ...Array.from({ length: cold }, (_, i) => apiWorker(`cold-app-${i}`, prod, entry)),
  ];
}

/**
 * 'start-prod-i' / 'start-nopre-i': production as the entry module, evaluated when workerd starts,
 * i.e. before any request, with and without the start-up preload (its own Miniflare, so nothing else
 * competes for the CPU while these isolates start and are measured).
 */
export function startedWorkers(builds: RigBuilds, cold: number): unknown[] {
  return [
    ...Array.from({ length: cold }, (_, i) => apiWorker(`start-prod-${i}`, builds.prod)),
    ...Array.from({ length: cold }, (_, i) => apiWorker(`start-nopre-${i}`, builds.noPreload)),
  ];
}

/** Starts Miniflare with these workers (one isolate each). */
export async function startWorkerd(workers: unknown[], log: (m: string) => void): Promise<WorkerdRig> {
  const mf = new Miniflare({ workers: workers as never, handleRuntimeStdio: (out: Readable, err: Readable) => forward(out, err, log) });
  await mf.ready;
  return {
    async post(worker, path, body) {
      // Miniflare types its fetcher with workers-types' Request; Node's fetch types are what we pass.
      const w = (await mf.getWorker(worker)) as unknown as { fetch(url: string, init: RequestInit): Promise<Response> };
      const res = await w.fetch(`http://bench.local${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${worker}${path} → ${res.status}: ${text.slice(0, 2000)}`);
      return JSON.parse(text) as unknown;
    },
    async api(worker, path, body) {
      const w = (await mf.getWorker(worker)) as unknown as { fetch(url: string, init: RequestInit): Promise<Response> };
      const t0 = performance.now();
      const res = await w.fetch(`http://127.0.0.1${path}`, { method: 'POST', body, headers: { authorization: 'Bearer local-dev-key', 'content-type': 'application/json' } });
      const json = (await res.json()) as Record<string, unknown>;
      return { status: res.status, wall_ms: performance.now() - t0, server: serverTiming(res.headers.get('server-timing')), json };
    },
    dispose: () => mf.dispose(),
  };
}
