// The benchmark worker: a separate entry (never deployed) that imports the same src/ + wasm/ + the
// production app, built with wrangler only for `npm run bench` and run in workerd by Miniflare.
//   POST /suite       {quick, inputs}     → RuntimeResult (warm measurements)
//   POST /cold-parts  {support, queries}  → ColdParts (must be the isolate's first request)
//   POST /examples-append {quick, support} → ExamplesAppendResult (needs the USER_EXAMPLES binding)
//   POST /fold        {quick, inputs}     → FoldResult (folded vs layer-by-layer frozen forward)
//   POST /head-cache  {quick, inputs}     → HeadCacheResult (predict with and without the model's head cache)
import { initWasmBackend } from '../../wasm/backend';
import { initWorkerdBackend, workerdSource } from '../../wasm/workerd';
import { createWorkerdFusedKernel, installWorkerdFusedKernel } from '../../wasm/fused/workerd';
import { createApp } from '../../worker/app';
import { durableExamplesStore } from '../../worker/examples/durable-object';
import type { TenantExamples } from '../../worker/examples/durable-object';
import { embeddedBundles } from '../../worker/models/embedded';
import glyphsV2 from '../../bundles/glyphs-v2.fsb';
import { BENCH_API_KEYS } from '../suite/app-requests';
import { coldParts } from '../suite/cold-parts';
import { benchExamplesAppend } from '../suite/examples-append';
import { benchFold } from '../suite/fold';
import { benchHeadCache } from '../suite/head-cache';
import { decodeBundle } from '../../src/bundle/index';
import { runRuntimeSuite } from '../suite/in-runtime';
import { MemoryKv } from '../suite/memory-kv';
import type { CaseBInputs } from '../suite/case-b';
import type { SupportSet } from '../../src/engine/index';

async function bundleBytes(name: string): Promise<Uint8Array> {
  const raw = await embeddedBundles.find((b) => b.name === name)!.bytes();
  return raw instanceof Uint8Array ? raw : new Uint8Array(raw!);
}

interface BenchEnv {
  /** Users' examples: the production Durable Object class (exported below), bound by the bench rig. */
  USER_EXAMPLES?: DurableObjectNamespace<TenantExamples>;
}

/** The production app over an in-memory KV, with the examples Durable Object when it is bound. */
function benchApp(env: BenchEnv) {
  const kv = new MemoryKv();
  const ns = env.USER_EXAMPLES;
  const app = createApp({ backend: () => initWorkerdBackend(), bundles: embeddedBundles, kv: () => kv, ...(ns ? { examples: () => durableExamplesStore(ns) } : {}) });
  return { app, appEnv: { API_KEYS: BENCH_API_KEYS, RATE_LIMITS: 'off' } };
}

async function suite(body: { quick: boolean; inputs: CaseBInputs }, benchEnv: BenchEnv): Promise<unknown> {
  await initWorkerdBackend();
  const { app, appEnv } = benchApp(benchEnv);
  const env = { runtime: 'workerd' as const, glyphs: await bundleBytes('glyphs'), glyphsPrevious: new Uint8Array(glyphsV2), sine: await bundleBytes('sine-maml'), probeKernel: await createWorkerdFusedKernel(), app, appEnv, examples: benchEnv.USER_EXAMPLES !== undefined };
  return runRuntimeSuite(env, body.inputs, { quick: body.quick, log: (m) => console.log(m) });
}

/** The examples-append case alone (bench/examples-append.ts runs it without the rest of the suite). */
async function examplesAppend(body: { quick: boolean; support: SupportSet }, benchEnv: BenchEnv): Promise<unknown> {
  await initWorkerdBackend();
  if (!benchEnv.USER_EXAMPLES) throw new Error('USER_EXAMPLES is not bound');
  const { app, appEnv } = benchApp(benchEnv);
  return benchExamplesAppend(app, appEnv, body.support, { quick: body.quick });
}

/** The fold case alone (bench/fold.ts runs it without the rest of the suite). */
async function fold(body: { quick: boolean; inputs: CaseBInputs }): Promise<unknown> {
  await initWorkerdBackend();
  return benchFold(await decodeBundle(await bundleBytes('glyphs')), body.inputs, { quick: body.quick });
}

/** The head cache case alone (bench/head-cache.ts runs it without the rest of the suite). */
async function headCache(body: { quick: boolean; inputs: CaseBInputs }): Promise<unknown> {
  await initWorkerdBackend();
  return benchHeadCache(await decodeBundle(await bundleBytes('glyphs')), body.inputs, { quick: body.quick });
}

async function cold(body: { support: SupportSet; queries: number[][] }): Promise<unknown> {
  return coldParts({
    initTfjs: () => initWasmBackend(workerdSource()),
    installFused: () => installWorkerdFusedKernel(),
    bundle: () => bundleBytes('glyphs'),
    support: body.support,
    queries: body.queries,
  });
}

export default {
  async fetch(req: Request, env: BenchEnv): Promise<Response> {
    const path = new URL(req.url).pathname;
    try {
      if (req.method === 'POST' && path === '/suite') return Response.json(await suite(await req.json(), env));
      if (req.method === 'POST' && path === '/examples-append') return Response.json(await examplesAppend(await req.json(), env));
      if (req.method === 'POST' && path === '/fold') return Response.json(await fold(await req.json()));
      if (req.method === 'POST' && path === '/head-cache') return Response.json(await headCache(await req.json()));
      if (req.method === 'POST' && path === '/cold-parts') return Response.json(await cold(await req.json()));
      return new Response('not found', { status: 404 });
    } catch (e) {
      return Response.json({ error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }, { status: 500 });
    }
  },
};

/** The production examples Durable Object, so the rig can bind USER_EXAMPLES to it. */
export { TenantExamples } from '../../worker/examples/durable-object';
