/**
 * Bounded loopback load test: starts `npm start` (wrangler dev, local mode) on 127.0.0.1:8787 (or,
 * when 8787 is taken, the same command on a free port), runs 50 concurrent clients for 60 s of mixed
 * adapt/predict on the glyphs and sine-maml models, stops the server, and reports errors, throughput
 * and p50/p99. Writes docs/reliability/load.json; exits non-zero on any error.
 *   npm run load [-- --clients 50 --seconds 60 --out docs/reliability/load.json]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { createRng } from '../src/util/random';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const CLIENTS = arg('clients', 50);
const SECONDS = arg('seconds', 60);
const OUT = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1]! : 'docs/reliability/load.json';
const KEY = 'local-dev-key';

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `npm start`, in its own process group so the whole tree (npm → wrangler → workerd) can be stopped by id. */
function startServer(port: number) {
  // Quotas off: this measures the server's capacity, not the per-tenant limits (docs/api.md).
  const args = ['start', '--', '--port', String(port), '--var', 'RATE_LIMITS:off'];
  const child = spawn('npm', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BROWSER: 'none' } });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
  return { stop, log: () => log };
}

async function waitHealthy(base: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`server not healthy within ${ms} ms`);
}

/** Seeded request generator per client: distinct support sets (real adapts), repeat users (cache hits). */
function client(seed: number) {
  const rng = createRng(seed);
  const base = Array.from({ length: 8 }, () => Array.from({ length: 784 }, () => (rng.next() < 0.2 ? 1 : 0)));
  const image = (c: number) => {
    const img = base[c % base.length]!.slice();
    for (let k = 0; k < 6; k++) img[rng.int(784)] = rng.next() < 0.5 ? 1 : 0;
    return img;
  };
  const glyphSupport = () => {
    const ways = 3 + rng.int(3);
    const shots = 1 + rng.int(5);
    const labels = Array.from({ length: ways * shots }, (_, i) => `c${Math.floor(i / shots)}`);
    return { inputs: labels.map((_, i) => image(Math.floor(i / shots))), labels };
  };
  const sineSupport = () => {
    const amp = 0.1 + rng.next() * 4.9;
    const phase = rng.next() * Math.PI;
    const xs = Array.from({ length: 10 }, () => rng.next() * 10 - 5);
    return { inputs: xs.map((x) => [x]), labels: xs.map((x) => amp * Math.sin(x - phase)) };
  };
  const xs = Array.from({ length: 20 }, (_, j) => [-5 + j / 2]);
  let adaptedGlyph = false;
  let adaptedSine = false;
  return (): { op: string; path: string; body: unknown } => {
    const r = rng.next();
    const user = `load-${seed}`;
    if (r < 0.25 || !adaptedGlyph) {
      adaptedGlyph = true;
      return { op: 'glyphs-adapt', path: '/v1/models/glyphs/adapt', body: { user, support: glyphSupport() } };
    }
    if (r < 0.4) return { op: 'glyphs-predict-user', path: '/v1/models/glyphs/predict', body: { user, inputs: [image(rng.int(8)), image(rng.int(8))] } };
    if (r < 0.5) return { op: 'glyphs-predict-support', path: '/v1/models/glyphs/predict', body: { support: glyphSupport(), inputs: [image(0)] } };
    if (r < 0.75 || !adaptedSine) {
      adaptedSine = true;
      return { op: 'sine-adapt', path: '/v1/models/sine-maml/adapt', body: { user, support: sineSupport() } };
    }
    if (r < 0.9) return { op: 'sine-predict-user', path: '/v1/models/sine-maml/predict', body: { user, inputs: xs } };
    return { op: 'sine-predict-support', path: '/v1/models/sine-maml/predict', body: { support: sineSupport(), inputs: xs } };
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN).toFixed(1);
};
const stats = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p90: pct(xs, 90), p99: pct(xs, 99), max: pct(xs, 100) });

async function main() {
  const port = (await portFree(8787)) ? 8787 : await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = startServer(port);
  try {
    await waitHealthy(base, 180_000);
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    // One request per model first, so the 60 s measure steady state, not bundle decoding.
    for (const m of ['glyphs', 'sine-maml']) await (await fetch(`${base}/v1/models/${m}`, { headers })).text();
    const latencies = new Map<string, number[]>();
    const errors = new Map<string, number>();
    const t0 = performance.now();
    const deadline = t0 + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const next = client(1_000 + c);
        while (performance.now() < deadline) {
          const job = next();
          const t = performance.now();
          let status: string;
          try {
            const res = await fetch(`${base}${job.path}`, { method: 'POST', headers, body: JSON.stringify(job.body) });
            await res.arrayBuffer();
            status = String(res.status);
          } catch (e) {
            status = `network: ${(e as Error).message}`;
          }
          (latencies.get(job.op) ?? latencies.set(job.op, []).get(job.op)!).push(performance.now() - t);
          if (status !== '200') errors.set(`${job.op} ${status}`, (errors.get(`${job.op} ${status}`) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const all = [...latencies.values()].flat();
    const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
    const report = {
      date: new Date().toISOString(),
      server: port === 8787 ? 'npm start (127.0.0.1:8787)' : `npm start -- --port ${port}`,
      clients: CLIENTS,
      seconds: +seconds.toFixed(1),
      requests: all.length,
      throughputPerSecond: +(all.length / seconds).toFixed(1),
      errors: errorCount,
      errorsByKind: Object.fromEntries(errors),
      latencyMs: { all: stats(all), ...Object.fromEntries([...latencies].sort().map(([op, xs]) => [op, stats(xs)])) },
    };
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, JSON.stringify(report, null, 1) + '\n');
    console.log(JSON.stringify(report, null, 1));
    if (errorCount > 0) {
      console.error(`LOAD FAILED: ${errorCount} errors`);
      process.exitCode = 1;
    }
  } catch (e) {
    console.error(server.log().slice(-4_000));
    throw e;
  } finally {
    await server.stop();
  }
}

await main();
