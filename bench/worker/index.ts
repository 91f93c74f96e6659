// The benchmark worker: a separate entry (never deployed) that imports the same src/ + wasm/ + the
// production app, built with wrangler only for `npm run bench` and run in workerd by Miniflare.
//   POST /suite       {quick, inputs}     → RuntimeResult (warm measurements)
//   POST /cold-parts  {support, queries}  → ColdParts (must be the isolate's first request)
import { initWasmBackend } from '../../wasm/backend';
import { initWorkerdBackend, workerdSource } from '../../wasm/workerd';
import { createWorkerdFusedKernel, installWorkerdFusedKernel } from '../../wasm/fused/workerd';
import { createApp } from '../../worker/app';
import { embeddedBundles } from '../../worker/models/embedded';
import glyphsV2 from '../../bundles/glyphs-v2.fsb';
import { BENCH_API_KEYS } from '../suite/app-requests';
import { coldParts } from '../suite/cold-parts';
import { runRuntimeSuite } from '../suite/in-runtime';
import { MemoryKv } from '../suite/memory-kv';
import type { CaseBInputs } from '../suite/case-b';
import type { SupportSet } from '../../src/engine/index';

async function bundleBytes(name: string): Promise<Uint8Array> {
  const raw = await embeddedBundles.find((b) => b.name === name)!.bytes();
  return raw instanceof Uint8Array ? raw : new Uint8Array(raw!);
}

async function suite(body: { quick: boolean; inputs: CaseBInputs }): Promise<unknown> {
  await initWorkerdBackend();
  const kv = new MemoryKv();
  const app = createApp({ backend: () => initWorkerdBackend(), bundles: embeddedBundles, kv: () => kv });
  const env = { runtime: 'workerd' as const, glyphs: await bundleBytes('glyphs'), glyphsPrevious: new Uint8Array(glyphsV2), sine: await bundleBytes('sine-maml'), probeKernel: await createWorkerdFusedKernel(), app, appEnv: { API_KEYS: BENCH_API_KEYS } };
  return runRuntimeSuite(env, body.inputs, { quick: body.quick, log: (m) => console.log(m) });
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
  async fetch(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    try {
      if (req.method === 'POST' && path === '/suite') return Response.json(await suite(await req.json()));
      if (req.method === 'POST' && path === '/cold-parts') return Response.json(await cold(await req.json()));
      return new Response('not found', { status: 404 });
    } catch (e) {
      return Response.json({ error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }, { status: 500 });
    }
  },
};
