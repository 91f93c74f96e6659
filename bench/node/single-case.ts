// One warm-suite case alone, in Node and in workerd (Miniflare), without the rest of `npm run bench`:
// the shared body of bench/fold.ts and bench/head-cache.ts. Prints one JSON object {quick, node, workerd}.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBundle } from '../../src/bundle/index';
import { initNodeBackend } from '../../wasm/node';
import { buildWorker, ROOT } from './build';
import { glyphInputs } from './inputs';
import { benchWorker, startWorkerd } from './miniflare';
import type { ModelData } from '../../src/spec/model-spec';

type Inputs = Awaited<ReturnType<typeof glyphInputs>>;

/** Runs `inNode` on the default glyphs bundle, then the bench worker's `route` in workerd (unless --no-workerd). */
export async function runSingleCase(name: string, route: string, inNode: (data: ModelData, inputs: Inputs, o: { quick: boolean }) => Promise<unknown>): Promise<void> {
  const quick = process.argv.includes('--quick');
  const log = (m: string): void => console.error(`[${name}] ${m}`);
  const inputs = await glyphInputs();
  log('node');
  await initNodeBackend();
  const node = await inNode(await decodeBundle(new Uint8Array(readFileSync(join(ROOT, 'bundles/glyphs.fsb')))), inputs, { quick });
  let workerd: unknown = null;
  if (!process.argv.includes('--no-workerd')) {
    const bench = await buildWorker('bench/worker/wrangler.toml', { minify: false });
    try {
      const rig = await startWorkerd([benchWorker(bench)], log);
      try {
        log('workerd');
        workerd = await rig.post('bench', route, { quick, inputs });
      } finally {
        await rig.dispose();
      }
    } finally {
      rmSync(bench.outdir, { recursive: true, force: true });
    }
  }
  process.stdout.write(`${JSON.stringify({ quick, node, workerd }, null, 2)}\n`);
}
