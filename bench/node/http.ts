// End to end over HTTP: starts `wrangler dev` (the production worker, local mode, loopback, a free
// port, its own KV state dir) or `fewshot serve` (Node, a temp store), waits until it listens, times
// the first request, then sequential warm requests, and kills it. Every stage is bounded; the
// process group is always killed.
import { spawn } from 'node:child_process';
import { existsSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiRequest, uniqueSupport } from '../suite/app-requests';
import { percentile, summarize } from '../suite/stats';
import { ROOT } from './build';
import { serverTiming } from './server-timing';
import type { ChildProcess } from 'node:child_process';
import type { CaseBInputs } from '../suite/case-b';
import type { Stats } from '../suite/stats';

export interface HttpKind {
  /** Client-side wall time per request (loopback, wrangler's proxy, workerd, local KV). */
  wall_ms: Stats;
  /** The 95th percentile of the same wall times. */
  p95_ms: number;
  /** Server-Timing spans reported by the worker (ms; workerd's clock ticks in 1 ms, so means are the useful figure). */
  server: Record<string, Stats>;
}

export interface HttpResult {
  port: number;
  /** Spawn → the port accepts connections. */
  startup_ms: number;
  /** The first adapt request after the port opened (includes wrangler's first-request set-up). */
  cold_first_request_ms: number;
  requests_per_kind: number;
  adapt_miss: HttpKind;
  adapt_hit: HttpKind;
  predict: HttpKind;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });

function killGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    const done = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
      resolve();
    }, 5000);
    child.once('exit', () => (clearTimeout(done), resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      clearTimeout(done);
      resolve();
    }
  });
}

export async function timed(port: number, path: string, body: string, expectCache?: string): Promise<{ ms: number; spans: Record<string, number>; json: Record<string, unknown> }> {
  const t0 = performance.now();
  const res = await fetch(apiRequest(`http://127.0.0.1:${port}`, path, body));
  const json = (await res.json()) as Record<string, unknown>;
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${path} → ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  if (expectCache && json.cache !== expectCache) throw new Error(`${path}: expected cache ${expectCache}, got ${String(json.cache)}`);
  return { ms, spans: serverTiming(res.headers.get('server-timing')), json };
}

export async function kind(n: number, one: (i: number) => Promise<{ ms: number; spans: Record<string, number> }>): Promise<HttpKind> {
  const wall: number[] = [];
  const spans: Record<string, number[]> = {};
  for (let i = 0; i < n; i++) {
    const r = await one(i);
    wall.push(r.ms);
    for (const [k, v] of Object.entries(r.spans)) (spans[k] ??= []).push(v);
  }
  return { wall_ms: summarize(wall), p95_ms: percentile([...wall].sort((a, b) => a - b), 0.95), server: Object.fromEntries(Object.entries(spans).map(([k, v]) => [k, summarize(v)])) };
}

/** A server under test: its loopback port, spawn → listening time, and how to stop its process group. */
export interface StartedServer {
  name: string;
  port: number;
  startup_ms: number;
  stop(): Promise<void>;
}

async function listening(name: string, child: ChildProcess, port: number, t0: number, stderr: () => string, cleanup: () => void): Promise<StartedServer> {
  const stop = async () => {
    await killGroup(child);
    cleanup();
  };
  try {
    const deadline = t0 + 90_000;
    while (!(await canConnect(port))) {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${stderr()}`);
      if (performance.now() > deadline) throw new Error(`${name} did not listen on ${port} within 90 s: ${stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { name, port, startup_ms: performance.now() - t0, stop };
}

function spawnServer(name: string, cmd: string, args: string[], port: number, cleanup: () => void): Promise<StartedServer> {
  const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  return listening(name, child, port, t0, () => stderr, cleanup);
}

/** `wrangler dev` (workerd, local KV and Durable Objects) on a free port; quotas off unless `rateLimits` is given. */
export async function startWranglerDev(rateLimits = 'off'): Promise<StartedServer> {
  // npm start does the same: wrangler dev reads API_KEYS from .dev.vars.
  if (!existsSync(join(ROOT, '.dev.vars'))) copyFileSync(join(ROOT, '.dev.vars.example'), join(ROOT, '.dev.vars'));
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'fewshot-bench-state-'));
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--local', '--persist-to', state, '--show-interactive-dev-session=false', '--inspector-port', String(await freePort()), '--var', `RATE_LIMITS:${rateLimits}`];
  return spawnServer('wrangler dev', join(ROOT, 'node_modules/.bin/wrangler'), args, port, () => rmSync(state, { recursive: true, force: true }));
}

/** `fewshot serve` (Node, FileKv in a temp store) on a free port; quotas off unless `rateLimits` is given. */
export async function startFewshotServe(rateLimits = 'off'): Promise<StartedServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fewshot-bench-serve-'));
  writeFileSync(join(dir, 'vars'), `RATE_LIMITS=${rateLimits}\n`);
  const args = [join(ROOT, 'bin/fewshot.mjs'), 'serve', '--port', String(port), '--store', join(dir, 'store'), '--vars', join(dir, 'vars')];
  return spawnServer('fewshot serve', process.execPath, args, port, () => rmSync(dir, { recursive: true, force: true }));
}

/** Times the first request, then `n` sequential warm requests per kind against a listening server. */
export async function measureServer(server: StartedServer, inputs: CaseBInputs, opts: { n: number; warmup: number; log: (m: string) => void }): Promise<HttpResult> {
  const port = server.port;
  const base = inputs.supports[0]!;
  const adapt = '/v1/models/glyphs/adapt';
  opts.log(`http: ${server.name} on :${port} after ${Math.round(server.startup_ms)} ms; first request`);
  const cold = await timed(port, adapt, JSON.stringify({ user: 'http', support: uniqueSupport(base, 900_000) }), 'miss');
  for (let i = 0; i < opts.warmup; i++) await timed(port, adapt, JSON.stringify({ user: 'http', support: uniqueSupport(base, 800_000 + i) }), 'miss');
  opts.log(`http: ${server.name}: ${opts.n} × adapt (miss, hit) and predict`);
  const bodies = Array.from({ length: opts.n }, (_, i) => JSON.stringify({ user: 'http', support: uniqueSupport(base, i) }));
  const miss = await kind(opts.n, (i) => timed(port, adapt, bodies[i]!, 'miss'));
  const hitBody = bodies[0]!;
  const hit = await kind(opts.n, () => timed(port, adapt, hitBody, 'hit'));
  const headId = (await timed(port, adapt, hitBody, 'hit')).json.headId;
  const predictBody = JSON.stringify({ headId, inputs: inputs.queries });
  const predict = await kind(opts.n, () => timed(port, '/v1/models/glyphs/predict', predictBody));
  return { port, startup_ms: server.startup_ms, cold_first_request_ms: cold.ms, requests_per_kind: opts.n, adapt_miss: miss, adapt_hit: hit, predict };
}

/** Runs the HTTP benchmark against a fresh `wrangler dev`; `n` warm requests per kind (≥ 200 in full runs). */
export async function benchHttp(inputs: CaseBInputs, opts: { n: number; warmup: number; log: (m: string) => void }): Promise<HttpResult> {
  const server = await startWranglerDev();
  try {
    return await measureServer(server, inputs, opts);
  } finally {
    await server.stop();
  }
}
