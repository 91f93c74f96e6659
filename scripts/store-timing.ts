/**
 * Measures the model store locally (docs/models.md, "Measured"): every shipped bundle published with
 * `fewshot models publish --local` into a fresh persist directory and served by `wrangler dev --local`
 * (what `npm start` runs) with no code change; the cold first request for a model loaded from R2 vs
 * the same bundle embedded; and publish-to-serve time while the server runs.
 *   npx tsx scripts/store-timing.ts [--runs 3] [--port 8855]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, port: { type: 'string', default: '8855' } } });
const runs = Number(values.runs);
const port = Number(values.port);
const base = `http://127.0.0.1:${port}`;
const H = { authorization: 'Bearer local-dev-key', 'content-type': 'application/json' };
const persist = mkdtempSync(join(tmpdir(), 'fewshot-store-timing-'));

/** `fewshot models ...` as a user runs it; returns wall ms. */
function fewshot(args: string[]): Promise<number> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'fewshot.mjs'), 'models', ...args, '--local', '--persist-to', persist], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? done(performance.now() - t0) : fail(new Error(`fewshot models ${args.join(' ')} exited ${code}`))));
  });
}

/** wrangler dev --local over the temp persist dir, in its own process group (stopped by its id). */
async function serve(vars: string[] = []) {
  const args = [join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js'), 'dev', '--ip', '127.0.0.1', '--port', String(port), '--local', '--persist-to', persist, ...vars.flatMap((v) => ['--var', v])];
  const child = spawn(process.execPath, args, { cwd: root, detached: true, stdio: 'ignore', env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' } });
  // Ready = routing works; /openapi.json touches no model, so the measured request is the first to load one.
  for (let i = 0; ; i++) {
    if (i > 240) throw new Error('wrangler dev did not start');
    if (await fetch(`${base}/openapi.json`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return async () => {
    const gone = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await gone;
  };
}

const timed = async (path: string, body?: unknown): Promise<{ ms: number; status: number; json: Record<string, unknown> }> => {
  const t0 = performance.now();
  const r = await fetch(base + path, { method: body ? 'POST' : 'GET', headers: H, body: body ? JSON.stringify(body) : undefined });
  const json = (await r.json()) as Record<string, unknown>;
  return { ms: performance.now() - t0, status: r.status, json };
};

const sineAdapt = JSON.parse(readFileSync(join(root, 'examples', 'sine-adapt.json'), 'utf8'));
const glyphAdapt = JSON.parse(readFileSync(join(root, 'examples', 'glyphs-adapt.json'), 'utf8'));
const adaptFor = (file: string) => (file.startsWith('glyphs') ? glyphAdapt : sineAdapt);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  // 1. Every shipped bundle, published and served with no code change.
  const bundles = readdirSync(join(root, 'bundles')).filter((f) => f.endsWith('.fsb'));
  const publishMs: number[] = [];
  for (const f of bundles) publishMs.push(await fewshot(['publish', join('bundles', f), '--name', `my-${f.replace('.fsb', '')}`]));
  let stop = await serve();
  for (const f of bundles) {
    const name = `my-${f.replace('.fsb', '')}`;
    const info = await timed(`/v1/models/${name}`);
    const a = await timed(`/v1/models/${name}/adapt`, adaptFor(f));
    console.log(`${f.padEnd(22)} GET /v1/models/${name} ${info.status} (${info.json.source} v${info.json.version}) · adapt ${a.status} loss ${JSON.stringify(a.json.loss)}`);
    if (info.status !== 200 || a.status !== 200) throw new Error(`${name} is not served`);
  }
  const emb = await timed('/v1/models/glyphs/adapt', glyphAdapt);
  console.log(`(embedded glyphs, same request: adapt ${emb.status} loss ${JSON.stringify(emb.json.loss)})`);
  await stop();
  console.log(`publish (CLI wall time, per bundle): median ${median(publishMs).toFixed(0)} ms, range ${Math.min(...publishMs).toFixed(0)}–${Math.max(...publishMs).toFixed(0)} ms`);

  // 2. Cold first request: the same bundle (sine-maml.fsb) embedded vs from the store, a fresh server each time.
  // The embedded glyphs model is preloaded at isolate start, so only its stored copy is timed (a 453 KB load).
  const cold: Record<string, number[]> = { embedded: [], store: [], 'store glyphs': [] };
  for (let r = 0; r < runs; r++) {
    for (const [kind, name] of [['embedded', 'sine-maml'], ['store', 'my-sine-maml'], ['store glyphs', 'my-glyphs']] as const) {
      stop = await serve();
      const req = name === 'my-glyphs' ? glyphAdapt : sineAdapt;
      const a = await timed(`/v1/models/${name}/adapt`, req);
      const warm = await timed(`/v1/models/${name}/adapt`, { ...req, user: 'warm', support: { ...req.support, labels: [...req.support.labels].reverse() } });
      await stop();
      if (a.status !== 200) throw new Error(`${name}: ${a.status}`);
      cold[kind]!.push(a.ms);
      console.log(`run ${r + 1} ${kind.padEnd(8)} cold first adapt ${a.ms.toFixed(0)} ms, then a warm one ${warm.ms.toFixed(0)} ms`);
    }
  }
  for (const k of Object.keys(cold)) console.log(`cold first adapt, ${k}: median ${median(cold[k]!).toFixed(0)} ms (${cold[k]!.map((x) => x.toFixed(0)).join(', ')})`);

  // 3. Publish-to-serve with the server running (manifest re-read on every request, and with the default 30 s).
  for (const refresh of ['0', '30']) {
    stop = await serve([`MODELS_REFRESH_SECONDS:${refresh}`]);
    const v0 = (await timed('/v1/models/my-sine-maml')).json.version as number;
    const t0 = performance.now();
    const cli = await fewshot(['publish', 'bundles/sine-metasgd.fsb', '--name', 'my-sine-maml', '--note', `live ${refresh}`]);
    let v = v0;
    while (v === v0) {
      await new Promise((r) => setTimeout(r, 50));
      v = (await timed('/v1/models/my-sine-maml')).json.version as number;
    }
    const total = performance.now() - t0;
    console.log(`publish-to-serve (MODELS_REFRESH_SECONDS=${refresh}): CLI ${cli.toFixed(0)} ms, served as v${v} ${total.toFixed(0)} ms after the publish started`);
    await stop();
    await fewshot(['rollback', 'my-sine-maml', '--to', String(v0)]);
  }
} finally {
  rmSync(persist, { recursive: true, force: true });
}
