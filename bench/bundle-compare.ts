// Two image bundles side by side in one Node process: adapt() of the same 5-way 5-shot glyph support
// sets (bench/node/inputs.ts) and predict() of 5 queries, timed alternately (`timePair`), so the
// ratio is like for like on a loaded machine. Used to price a new default against the old one
// (docs/benchmarks.md: v6 against v5); the suite's workerd rows give the absolute request times.
//   npx tsx bench/bundle-compare.ts NEW.fsb OLD.fsb [--quick]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeBundle } from '../src/bundle/index';
import { adapt } from '../src/engine/adapt';
import { createModel } from '../src/engine/model';
import { predict } from '../src/engine/predict';
import { initNodeBackend } from '../wasm/node';
import { glyphInputs } from './node/inputs';
import { pairOptions, timePair } from './suite/stats';

const USAGE = 'usage: npx tsx bench/bundle-compare.ts NEW.fsb OLD.fsb [--quick]';
let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
} catch (e) {
  process.stderr.write(`bundle-compare: ${(e as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (parsed.positionals.length !== 2) {
  process.stderr.write(`bundle-compare: give two bundles\n${USAGE}\n`);
  process.exit(2);
}
await initNodeBackend();
const [a, b] = await Promise.all(parsed.positionals.map(async (f) => createModel(await decodeBundle(new Uint8Array(readFileSync(f))))));
const { supports, queries } = await glyphInputs();
const opts = pairOptions(parsed.values.quick === true);
// A new support set each call (as an adapt miss), cycling through the same sets for both models.
const cycle = (m: typeof a): (() => unknown) => {
  let i = 0;
  return () => adapt(m!, supports[i++ % supports.length]!);
};
const [adaptA, adaptB] = await timePair(cycle(a), cycle(b), opts);
const heads = [a, b].map((m) => adapt(m!, supports[0]!).head);
const [predictA, predictB] = await timePair(() => predict(a!, heads[0]!, queries), () => predict(b!, heads[1]!, queries), opts);
const row = (name: string, x: typeof adaptA, y: typeof adaptA) => ({ [`${name}_new_ms`]: x.p50, [`${name}_old_ms`]: y.p50, [`${name}_new_over_old`]: x.p50 / y.p50 });
process.stdout.write(`${JSON.stringify({ new: parsed.positionals[0], old: parsed.positionals[1], quick: parsed.values.quick === true, ...row('adapt', adaptA, adaptB), ...row('predict', predictA, predictB) }, null, 2)}\n`);
[a, b].forEach((m) => m!.dispose());
