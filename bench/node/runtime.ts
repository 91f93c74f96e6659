// The warm suite in this Node process: SIMD wasm backend + fused kernel, the production app over an
// in-memory KV with the bundles read from bundles/.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initNodeBackend } from '../../wasm/node';
import { createNodeFusedKernel } from '../../wasm/fused/node';
import { createApp } from '../../worker/app';
import { FileExamplesStore } from '../../node/file-examples';
import { BENCH_API_KEYS } from '../suite/app-requests';
import { runRuntimeSuite } from '../suite/in-runtime';
import { MemoryKv } from '../suite/memory-kv';
import { ROOT } from './build';
import type { CaseBInputs } from '../suite/case-b';
import type { RuntimeResult } from '../suite/in-runtime';

/** The bundles the worker embeds, read from disk. */
export function bundleFiles(): { glyphs: Uint8Array; glyphsPrevious: Uint8Array; sine: Uint8Array } {
  const read = (f: string): Uint8Array => new Uint8Array(readFileSync(join(ROOT, 'bundles', f)));
  return { glyphs: read('glyphs.fsb'), glyphsPrevious: read('glyphs-v2.fsb'), sine: read('sine-maml.fsb') };
}

/** Runs the warm suite in Node. */
export async function runNodeSuite(inputs: CaseBInputs, opts: { quick: boolean; log: (m: string) => void }): Promise<RuntimeResult> {
  await initNodeBackend();
  const { glyphs, glyphsPrevious, sine } = bundleFiles();
  const kv = new MemoryKv();
  const bundles = [
    { name: 'glyphs', bytes: async () => glyphs },
    { name: 'sine-maml', bytes: async () => sine },
  ];
  // Users' examples as `fewshot serve` keeps them: files (fsync'd) in a temporary store.
  const store = mkdtempSync(join(tmpdir(), 'fewshot-bench-examples-'));
  const examples = await FileExamplesStore.open(store);
  const app = createApp({ backend: () => initNodeBackend(), bundles, kv: () => kv, examples: () => examples });
  const env = { runtime: 'node' as const, glyphs, glyphsPrevious, sine, probeKernel: await createNodeFusedKernel(), app, appEnv: { API_KEYS: BENCH_API_KEYS, RATE_LIMITS: 'off' }, examples: true };
  try {
    return await runRuntimeSuite(env, inputs, opts);
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}
