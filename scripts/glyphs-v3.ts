// The default image model v3: the v2 body (bundles/glyphs-v2.fsb, ProtoFiLM conv-4) served with the
// request-time scope 'late' — 10 Adam steps (lr 2e-3) on every weight of the last conv block, on the
// support set's nearest-centroid cross-entropy, behind the split-support guard. Settings chosen on
// validation data only (glyph validation scripts; the icons domain's validation half): docs/results.md.
//   tsx scripts/glyphs-v3.ts bundles/glyphs-v2.fsb glyphs-v3-uncalibrated.fsb
// then: fewshot calibrate --bundle glyphs-v3-uncalibrated.fsb --shots 1,2,3,5,10 --episodes 500 --out bundles/glyphs.fsb
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeBundle, encodeBundle } from '../src/bundle/index';

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  process.stderr.write('usage: tsx scripts/glyphs-v3.ts FROM.fsb TO.fsb\n');
  process.exit(2);
}
const data = await decodeBundle(new Uint8Array(readFileSync(from)));
const { temperature: _t, unknownDistance: _u, unknownDistances: _us, ...rest } = data.defaults;
const { id: _id, storage: _s, ...keep } = data;
const bytes = await encodeBundle({
  ...keep,
  defaults: { ...rest, scope: 'late', lateBlocks: 1, steps: 10, lr: 0.002, optimizer: 'adam', guard: 'split' },
  provenance: { ...data.provenance, body: `${data.provenance.algorithm} (bundle ${data.id.slice(0, 12)})`, requestScope: 'late: last block, Adam 2e-3 × 10, proto-ce, guard split', command: `tsx scripts/glyphs-v3.ts ${from} ${to}` },
});
writeFileSync(to, bytes);
process.stdout.write(`${to}: ${bytes.length} bytes\n`);
