// The fold case alone, in Node and in workerd (Miniflare), without the rest of `npm run bench` (which
// runs it too, as part of the warm suite):
//   npx tsx bench/fold.ts [--quick] [--no-workerd]
// Prints one JSON object: per runtime, the default glyphs model's body forward (25 images), predict
// (5 inputs) and 5-way 5-shot adapt() with its batch norms folded into fused convolutions and layer
// by layer, p50 in the same process/isolate, interleaved (bench/suite/fold.ts).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBundle } from '../src/bundle/index';
import { initNodeBackend } from '../wasm/node';
import { buildWorker, ROOT } from './node/build';
import { glyphInputs } from './node/inputs';
import { benchWorker, startWorkerd } from './node/miniflare';
import { benchFold } from './suite/fold';

const quick = process.argv.includes('--quick');
const log = (m: string): void => console.error(`[fold] ${m}`);
const inputs = await glyphInputs();
log('node');
await initNodeBackend();
const node = await benchFold(await decodeBundle(new Uint8Array(readFileSync(join(ROOT, 'bundles/glyphs.fsb')))), inputs, { quick });
let workerd: unknown = null;
if (!process.argv.includes('--no-workerd')) {
  const bench = await buildWorker('bench/worker/wrangler.toml', { minify: false });
  try {
    const rig = await startWorkerd([benchWorker(bench)], log);
    try {
      log('workerd');
      workerd = await rig.post('bench', '/fold', { quick, inputs });
    } finally {
      await rig.dispose();
    }
  } finally {
    rmSync(bench.outdir, { recursive: true, force: true });
  }
}
process.stdout.write(`${JSON.stringify({ quick, node, workerd }, null, 2)}\n`);
