// One cold start in a fresh Node process (spawned by the suite; prints one JSON line on stdout).
//   tsx bench/node/cold-child.ts parts INPUTS.json  → ColdParts (stage by stage)
//   tsx bench/node/cold-child.ts app INPUTS.json    → module evaluation + the app's first requests
// Modules are imported dynamically so their evaluation is timed (tsx's transforms are cached on disk
// after the first run, so this is mostly real evaluation, but it is not a bundled build).
import { readFileSync } from 'node:fs';
import type { ColdInputs } from './cold-inputs';

const [mode, file] = process.argv.slice(2);
const input = JSON.parse(readFileSync(file!, 'utf8')) as ColdInputs;
const out = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
// The app's request log goes to stdout; keep stdout for the one result line.
console.log = (...a: unknown[]) => console.error(...a);

async function parts(): Promise<void> {
  // Module evaluation is what 'app' measures; here only the stages after it.
  const { coldParts } = await import('../suite/cold-parts');
  const { initWasmBackend } = await import('../../wasm/backend');
  const { nodeSource } = await import('../../wasm/node');
  const { installNodeFusedKernel } = await import('../../wasm/fused/node');
  const { bundleFiles } = await import('./runtime');
  const r = await coldParts({
    initTfjs: () => initWasmBackend(nodeSource()),
    installFused: () => installNodeFusedKernel(),
    bundle: async () => bundleFiles().glyphs,
    support: input.support,
    queries: input.queries,
  });
  out(r);
}

async function app(): Promise<void> {
  const t0 = performance.now();
  const { createApp } = await import('../../worker/app');
  const { initNodeBackend } = await import('../../wasm/node');
  const { MemoryKv } = await import('../suite/memory-kv');
  const { apiRequest, BENCH_API_KEYS } = await import('../suite/app-requests');
  const { bundleFiles } = await import('./runtime');
  const b = bundleFiles();
  const kv = new MemoryKv();
  const server = createApp({ backend: () => initNodeBackend(), bundles: [{ name: 'glyphs', bytes: async () => b.glyphs }], kv: () => kv });
  const t1 = performance.now();
  const env = { API_KEYS: BENCH_API_KEYS };
  const send = async (path: string, body: string): Promise<Record<string, unknown>> => {
    const res = await server.fetch(apiRequest('http://127.0.0.1', path, body), env);
    if (res.status !== 200) throw new Error(`${path} → ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const first = await send('/v1/models/glyphs/adapt', input.first);
  const t2 = performance.now();
  await send('/v1/models/glyphs/adapt', input.second);
  const t3 = performance.now();
  await send('/v1/models/glyphs/predict', JSON.stringify({ headId: first.headId, inputs: input.queries }));
  const t4 = performance.now();
  out({ module_eval_ms: t1 - t0, first_request_ms: t2 - t1, second_request_ms: t3 - t2, first_predict_ms: t4 - t3 });
}

(mode === 'parts' ? parts() : app()).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
