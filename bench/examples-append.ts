// The examples-append case alone, in workerd (Miniflare), without the rest of `npm run bench` (which
// runs it too, in Node and workerd, as part of the warm suite):
//   npx tsx bench/examples-append.ts [--quick]
// Prints one JSON object: appending one example to a 5-way 5-shot user (24 stored) against a full
// adapt of the same 25, p50 in the same isolate, interleaved (bench/suite/examples-append.ts).
import { rmSync } from 'node:fs';
import { buildWorker } from './node/build';
import { glyphInputs } from './node/inputs';
import { benchWorker, startWorkerd } from './node/miniflare';

const quick = process.argv.includes('--quick');
const log = (m: string): void => console.error(`[examples-append] ${m}`);
const bench = await buildWorker('bench/worker/wrangler.toml', { minify: false });
try {
  const inputs = await glyphInputs(1);
  const rig = await startWorkerd([benchWorker(bench)], log);
  try {
    log(`workerd: ${quick ? 7 : 21} appends and adapts (5-way 5-shot glyphs)`);
    const result = await rig.post('bench', '/examples-append', { quick, support: inputs.supports[0] });
    process.stdout.write(`${JSON.stringify({ runtime: 'workerd', quick, ...(result as object) }, null, 2)}\n`);
  } finally {
    await rig.dispose();
  }
} finally {
  rmSync(bench.outdir, { recursive: true, force: true });
}
