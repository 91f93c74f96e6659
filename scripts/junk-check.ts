// Are blank, all-ink and noise images always "none of these"? For many heads adapted on validation
// episodes (each shot count), how many such images the bundle lets through, and how many its distance thresholds alone would.
//   tsx scripts/junk-check.ts BUNDLE [--shots 1,2,5,10] [--episodes 100] [--noise 30]
import { readFileSync } from 'node:fs';
import { decodeBundle } from '../src/bundle/index';
import { loadDomainFromDisk } from '../cli/glyphs-data';
import { createEpisodeSampler } from '../src/data/episodes';
import { adapt } from '../src/engine/adapt';
import { createModel } from '../src/engine/model';
import { predict, unknownThreshold } from '../src/engine/predict';
import { createRng } from '../src/util/random';
import { initNodeBackend } from '../wasm/node';
import { scriptArgs } from './script-args';
import type { ClassPrediction } from '../src/engine/predict';

const USAGE = 'usage: tsx scripts/junk-check.ts BUNDLE [--shots 1,2,5,10] [--episodes 100] [--noise 30] [--split validation]';
const { bundle, values } = scriptArgs('junk-check', USAGE, ['shots', 'episodes', 'noise', 'split']);
await initNodeBackend();
const data = await loadDomainFromDisk('glyphs');
const model = createModel(await decodeBundle(new Uint8Array(readFileSync(bundle))));
const rng = createRng(99);
const names = ['blank', 'all-ink', ...Array.from({ length: Number(values.noise ?? 30) }, () => 'noise')];
const junk = [new Array(784).fill(0), new Array(784).fill(1), ...names.slice(2).map(() => Array.from({ length: 784 }, () => rng.next()))];
const rows = (x: Float32Array, n: number) => Array.from({ length: n }, (_, i) => Array.from(x.subarray((i * x.length) / n, ((i + 1) * x.length) / n)));
for (const k of (values.shots ?? '1,2,5,10').split(',').map(Number)) {
  const sampler = createEpisodeSampler(data, (values.split ?? 'validation') as 'validation', { seed: 5 + k, ways: 5, shots: k, queries: 1, style: 'none', smallClasses: 'skip' });
  const kept: Record<string, number> = {};
  const byDistance: Record<string, number> = {};
  let minMargin = Infinity;
  const episodes = Number(values.episodes ?? 100);
  for (let e = 0; e < episodes; e++) {
    const t = sampler.next();
    const { head } = adapt(model, { inputs: rows(t.support.inputs, t.support.labels.length), labels: Array.from(t.support.labels) });
    const p = predict(model, head, junk) as ClassPrediction[];
    const raw = predict(model, head, junk, { unknownDistance: Infinity }) as ClassPrediction[];
    p.forEach((q, i) => {
      if (!q.unknown) kept[names[i]!] = (kept[names[i]!] ?? 0) + 1;
    });
    minMargin = Math.min(minMargin, ...raw.map((q) => q.distance!));
    const limit = unknownThreshold(model.defaults, head.shots);
    raw.forEach((q, i) => {
      if (limit === undefined || q.distance! <= limit) byDistance[names[i]!] = (byDistance[names[i]!] ?? 0) + 1;
    });
  }
  console.log(`${k}-shot: ${episodes} heads × ${junk.length} images; let through: ${JSON.stringify(kept)} (by the distance alone: ${JSON.stringify(byDistance)}); smallest junk distance ${minMargin.toFixed(3)}`);
}
model.dispose();
