// The head cache case alone, in Node and in workerd (Miniflare), without the rest of `npm run bench`
// (which runs it too, as part of the warm suite):
//   npx tsx bench/head-cache.ts [--quick] [--no-workerd]
// Prints one JSON object: per runtime, predict() of 5 inputs with the default glyphs model's head
// cache and without it (the head uploaded and its late block folded every call), and with a cache
// that misses every call, p50 in the same process/isolate, interleaved (bench/suite/head-cache.ts).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBundle } from '../src/bundle/index';
import { initNodeBackend } from '../wasm/node';
import { buildWorker, ROOT } from './node/build';
import { glyphInputs } from './node/inputs';
import { benchWorker, startWorkerd } from './node/miniflare';
import { benchHeadCache } from './suite/head-cache';

const quick = process.argv.includes('--quick');
const log = (m: string): void => console.error(`[head-cache] ${m}`);
const inputs = await glyphInputs();
log('node');
await initNodeBackend();
const node = await benchHeadCache(await decodeBundle(new Uint8Array(readFileSync(join(ROOT, 'bundles/glyphs.fsb')))), inputs, { quick });
let workerd: unknown = null;
if (!process.argv.includes('--no-workerd')) {
  const bench = await buildWorker('bench/worker/wrangler.toml', { minify: false });
  try {
    const rig = await startWorkerd([benchWorker(bench)], log);
    try {
      log('workerd');
      workerd = await rig.post('bench', '/head-cache', { quick, inputs });
    } finally {
      await rig.dispose();
    }
  } finally {
    rmSync(bench.outdir, { recursive: true, force: true });
  }
}
process.stdout.write(`${JSON.stringify({ quick, node, workerd }, null, 2)}\n`);
