/**
 * Soak: 10,000 adapt/predict requests (glyphs + sine-maml) in ONE workerd isolate (Miniflare over
 * wrangler's build of the real worker). Every SAMPLE_EVERY requests it records tf.memory().numTensors
 * and the wasm heap (GET /v1/diagnostics, DIAGNOSTICS="1"), the isolate's V8 heap in use and, after
 * the full GC a heap snapshot forces, its live size (DevTools protocol: Runtime.getHeapUsage around
 * HeapProfiler.takeHeapSnapshot; workerd does not answer HeapProfiler.collectGarbage), and workerd's RSS.
 * Writes docs/reliability/soak.json and soak.svg; exits non-zero if a promise is broken.
 *   npm run soak [-- --requests 10000 --concurrency 4]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { createRng } from '../src/util/random';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const REQUESTS = arg('requests', 10_000);
const CONCURRENCY = arg('concurrency', 4);
const SAMPLE_EVERY = arg('sample-every', 250);
const WARMUP = arg('warmup', 500);
const KEY = 'local-dev-key';
const API_KEYS = JSON.stringify({ ed5a18fb8f807f996d649e379d3f35f39c543a91bdbf88c492f2ebd10d4df86c: 'local' });
const MB = 1 << 20;

interface Sample {
  requests: number;
  numTensors: number;
  numBytes: number;
  wasmHeapBytes: number;
  fusedKernelBytes: number | null;
  jsHeapUsed: number;
  jsHeapLive: number;
  jsHeapTotal: number;
  workerdRss: number | null;
  seconds: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The DevTools protocol of the isolate: V8 heap in use, and live after a full GC. */
async function inspector(port: number) {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { webSocketDebuggerUrl: string }[];
  // The user worker's isolate; the others are Miniflare's own services.
  const ws = new WebSocket(list.find((l) => l.webSocketDebuggerUrl.includes('core:user:'))!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ((ws.onopen = resolve), (ws.onerror = reject)));
  let next = 1;
  const waiting = new Map<number, (v: Record<string, unknown>) => void>();
  ws.onmessage = (ev) => {
    const msg = JSON.parse(String(ev.data)) as { id?: number; result?: Record<string, unknown> };
    // Snapshot chunks (HeapProfiler.addHeapSnapshotChunk) carry no id and are dropped: only the GC is wanted.
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result ?? {});
  };
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => reject(new Error(`inspector: no answer to ${method}`)), 60_000);
      waiting.set(id, (v) => (clearTimeout(timer), resolve(v)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    heap: async () => {
      const before = await send('Runtime.getHeapUsage');
      // A heap snapshot starts with a full GC: the usage right after it is the live set.
      await send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      const after = await send('Runtime.getHeapUsage');
      return { used: before.usedSize as number, total: before.totalSize as number, live: after.usedSize as number };
    },
    close: () => ws.close(),
  };
}

/** RSS of the workerd process Miniflare started (a child of this process). */
function workerdRss(): number | null {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (/^Name:\s+workerd/m.test(status) && new RegExp(`^PPid:\\s+${process.pid}$`, 'm').test(status)) {
        return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
      }
    } catch {
      // the process went away between listing and reading
    }
  }
  return null;
}

/** The mixed workload: seeded, so every run sends the same 10,000 requests. */
function workload(seed: number) {
  const rng = createRng(seed);
  const image = () => Array.from({ length: 784 }, () => (rng.next() < 0.18 ? 1 : Math.round(rng.next() * 20) / 100));
  const glyphSupport = () => {
    const ways = 2 + rng.int(4);
    const shots = 1 + rng.int(5);
    const labels = Array.from({ length: ways * shots }, (_, i) => `g${Math.floor(i / shots)}`);
    return { inputs: labels.map(image), labels };
  };
  const sineSupport = () => {
    const amp = 0.1 + rng.next() * 4.9;
    const phase = rng.next() * Math.PI;
    const xs = Array.from({ length: 10 }, () => rng.next() * 10 - 5);
    return { inputs: xs.map((x) => [x]), labels: xs.map((x) => amp * Math.sin(x - phase)) };
  };
  // Predict-by-user only names users whose adapt finished in an earlier block (blocks run concurrently).
  const glyphUsers: string[] = [];
  const sineUsers: string[] = [];
  const pending: [string[], string][] = [];
  const settle = () => pending.splice(0).forEach(([list, u]) => list.includes(u) || list.push(u));
  const gen = (i: number): { op: string; path: string; body: unknown; onOk?: () => void } => {
    const r = rng.next();
    if (r < 0.25 || glyphUsers.length === 0) {
      const user = `soak-g-${i % 300}`;
      return { op: 'glyphs-adapt', path: '/v1/models/glyphs/adapt', body: { user, support: glyphSupport() }, onOk: () => pending.push([glyphUsers, user]) };
    }
    if (r < 0.4) return { op: 'glyphs-predict-user', path: '/v1/models/glyphs/predict', body: { user: glyphUsers[rng.int(glyphUsers.length)], inputs: [image(), image(), image()] } };
    if (r < 0.5) return { op: 'glyphs-predict-support', path: '/v1/models/glyphs/predict', body: { support: glyphSupport(), inputs: [image()] } };
    if (r < 0.75 || sineUsers.length === 0) {
      const user = `soak-s-${i % 300}`;
      return { op: 'sine-adapt', path: '/v1/models/sine-maml/adapt', body: { user, support: sineSupport() }, onOk: () => pending.push([sineUsers, user]) };
    }
    const xs = Array.from({ length: 20 }, (_, j) => [-5 + j / 2]);
    if (r < 0.9) return { op: 'sine-predict-user', path: '/v1/models/sine-maml/predict', body: { user: sineUsers[rng.int(sineUsers.length)], inputs: xs } };
    return { op: 'sine-predict-support', path: '/v1/models/sine-maml/predict', body: { support: sineSupport(), inputs: xs } };
  };
  return { next: gen, settle };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** A four-panel SVG of the soak curve. */
function chart(samples: Sample[]): string {
  const panels: [string, (s: Sample) => number, string][] = [
    ['tf.memory().numTensors', (s) => s.numTensors, ''],
    ['wasm heap (MB)', (s) => s.wasmHeapBytes / MB, ''],
    ['isolate V8 heap live after full GC (MB)', (s) => s.jsHeapLive / MB, ''],
    ['workerd process RSS (MB)', (s) => (s.workerdRss ?? 0) / MB, ''],
  ];
  const W = 460, H = 180, pad = 44;
  const maxX = samples[samples.length - 1]!.requests;
  const parts = panels.map(([title, f], k) => {
    const ys = samples.map(f);
    const lo = Math.min(0, ...ys), hi = Math.max(...ys) * 1.15 || 1;
    const x = (v: number) => pad + ((W - pad - 10) * v) / maxX;
    const y = (v: number) => H - 28 - ((H - 58) * (v - lo)) / (hi - lo);
    const pts = samples.map((s, i) => `${x(s.requests).toFixed(1)},${y(ys[i]!).toFixed(1)}`).join(' ');
    const ox = (k % 2) * W, oy = Math.floor(k / 2) * H;
    return `<g transform="translate(${ox},${oy})"><text x="${pad}" y="18" font-size="13" font-weight="600">${title}</text>
<line x1="${pad}" y1="${H - 28}" x2="${W - 10}" y2="${H - 28}" stroke="#999"/><line x1="${pad}" y1="30" x2="${pad}" y2="${H - 28}" stroke="#999"/>
<text x="${pad - 4}" y="${y(hi) + 4}" font-size="10" text-anchor="end">${hi.toFixed(1)}</text><text x="${pad - 4}" y="${y(lo) + 4}" font-size="10" text-anchor="end">${lo.toFixed(0)}</text>
<text x="${W - 10}" y="${H - 12}" font-size="10" text-anchor="end">${maxX} requests</text><text x="${pad}" y="${H - 12}" font-size="10">0</text>
<polyline fill="none" stroke="#0a6" stroke-width="2" points="${pts}"/></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${2 * H}" font-family="system-ui,sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}

async function main() {
  const out = mkdtempSync(join(tmpdir(), 'fewshot-soak-'));
  const build = spawnSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', out], { stdio: 'inherit', env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' } });
  if (build.status !== 0) throw new Error('wrangler build failed');
  const inspectorPort = await freePort();
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(out, 'index.js'),
    modulesRoot: out,
    modulesRules: [
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
      { type: 'Data', include: ['**/*.fsb', '**/*.u8.gz'] },
    ],
    compatibilityDate: '2026-04-20',
    kvNamespaces: ['HEADS'],
    bindings: { API_KEYS, DIAGNOSTICS: '1', HEAD_TTL_SECONDS: '604800' },
    inspectorPort,
  });
  const t0 = performance.now();
  try {
    await mf.ready;
    const cdp = await inspector(inspectorPort);
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const sample = async (requests: number): Promise<Sample> => {
      const d = (await (await mf.dispatchFetch('http://soak/v1/diagnostics', { headers })).json()) as Record<string, number>;
      const heap = await cdp.heap();
      return { requests, numTensors: d.numTensors!, numBytes: d.numBytes!, wasmHeapBytes: d.wasmHeapBytes!, fusedKernelBytes: d.fusedKernelBytes ?? null, jsHeapUsed: heap.used, jsHeapLive: heap.live, jsHeapTotal: heap.total, workerdRss: workerdRss(), seconds: (performance.now() - t0) / 1000 };
    };
    const { next, settle } = workload(20_260_501);
    const latencies = new Map<string, number[]>();
    const errors: string[] = [];
    const samples: Sample[] = [await sample(0)];
    let sent = 0;
    while (sent < REQUESTS) {
      const block = Math.min(SAMPLE_EVERY, REQUESTS - sent);
      const jobs = Array.from({ length: block }, (_, j) => next(sent + j));
      let k = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (k < jobs.length) {
            const job = jobs[k++]!;
            const t = performance.now();
            const res = await mf.dispatchFetch(`http://soak${job.path}`, { method: 'POST', headers, body: JSON.stringify(job.body) });
            const text = await res.text();
            (latencies.get(job.op) ?? latencies.set(job.op, []).get(job.op)!).push(performance.now() - t);
            if (res.status !== 200) errors.push(`${job.op} ${res.status} ${text.slice(0, 200)}`);
            else job.onOk?.();
          }
        }),
      );
      sent += block;
      settle();
      const s = await sample(sent);
      samples.push(s);
      console.log(`${String(sent).padStart(6)} req  tensors ${s.numTensors}  wasm ${(s.wasmHeapBytes / MB).toFixed(2)} MB  v8 ${(s.jsHeapUsed / MB).toFixed(1)} MB (live ${(s.jsHeapLive / MB).toFixed(1)})  rss ${((s.workerdRss ?? 0) / MB).toFixed(0)} MB  errors ${errors.length}  ${s.seconds.toFixed(0)} s`);
    }
    cdp.close();
    const base = samples.find((s) => s.requests >= WARMUP) ?? samples[1]!;
    const last = samples[samples.length - 1]!;
    const after = samples.filter((s) => s.requests >= base.requests);
    const summary = {
      requests: sent,
      errors: errors.length,
      numTensors: { afterWarmup: base.numTensors, min: Math.min(...after.map((s) => s.numTensors)), max: Math.max(...after.map((s) => s.numTensors)), final: last.numTensors },
      wasmHeapBytes: { start: samples[1]!.wasmHeapBytes, afterWarmup: base.wasmHeapBytes, final: last.wasmHeapBytes, growthAfterWarmup: last.wasmHeapBytes - base.wasmHeapBytes },
      jsHeapUsedBytes: { afterWarmup: base.jsHeapUsed, max: Math.max(...after.map((s) => s.jsHeapUsed)), final: last.jsHeapUsed },
      jsHeapLiveBytes: { afterWarmup: base.jsHeapLive, max: Math.max(...after.map((s) => s.jsHeapLive)), final: last.jsHeapLive },
      workerdRssBytes: { afterWarmup: base.workerdRss, max: Math.max(...after.map((s) => s.workerdRss ?? 0)), final: last.workerdRss },
      // Live V8 heap + wasm linear memories: what must fit in 128 MB. In use (garbage included) beside it.
      isolateLiveBytesMax: Math.max(...after.map((s) => s.jsHeapLive + s.wasmHeapBytes + (s.fusedKernelBytes ?? 0))),
      isolateInUseBytesMax: Math.max(...after.map((s) => s.jsHeapUsed + s.wasmHeapBytes + (s.fusedKernelBytes ?? 0))),
      jsHeapTotalBytesMax: Math.max(...after.map((s) => s.jsHeapTotal)),
      latencyMs: Object.fromEntries([...latencies].sort().map(([op, xs]) => [op, { n: xs.length, p50: +pct(xs, 50).toFixed(2), p99: +pct(xs, 99).toFixed(2) }])),
      seconds: +last.seconds.toFixed(1),
    };
    const report = { date: new Date().toISOString(), node: process.version, concurrency: CONCURRENCY, warmupRequests: base.requests, summary, firstErrors: errors.slice(0, 10), samples };
    mkdirSync('docs/reliability', { recursive: true });
    writeFileSync('docs/reliability/soak.json', JSON.stringify(report, null, 1) + '\n');
    writeFileSync('docs/reliability/soak.svg', chart(samples));
    console.log(JSON.stringify(summary, null, 1));
    const broken = [
      errors.length > 0 && `${errors.length} requests failed`,
      summary.numTensors.min !== summary.numTensors.max && 'numTensors moved after warm-up',
      summary.wasmHeapBytes.growthAfterWarmup > MB && 'wasm heap grew by more than 1 MB after warm-up',
      summary.isolateLiveBytesMax > 128 * MB && 'live isolate memory over 128 MB',
    ].filter(Boolean);
    if (broken.length) {
      console.error(`SOAK FAILED: ${broken.join('; ')}`);
      process.exitCode = 1;
    }
  } finally {
    await mf.dispose();
    rmSync(out, { recursive: true, force: true });
  }
}

await main();
