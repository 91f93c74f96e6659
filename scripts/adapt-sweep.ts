// Paired sweep of request-time adaptation settings against steps 0 on the SAME episodes (closed-set
// argmax accuracy, 95% CIs of the paired differences). Settings are chosen on validation data; the
// test split is for reporting only.
//   tsx scripts/adapt-sweep.ts BUNDLE --configs '[{"scope":"late","lateBlocks":2,"steps":10,"lr":0.002,"optimizer":"adam"}]'
//        [--data glyphs|icons] [--split validation|test] [--style none|image|episode] [--ways 5 --shots 5]
//        [--episodes 200] [--queries 15] [--seed 11] [--json FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeBundle } from '../src/bundle/index';
import { loadDomainFromDisk } from '../cli/glyphs-data';
import { createEpisodeSampler } from '../src/data/episodes';
import { byHalves } from '../src/data/halves';
import { adapt } from '../src/engine/adapt';
import { createModel } from '../src/engine/model';
import { predict } from '../src/engine/predict';
import { meanCi95 } from '../src/eval/stats';
import { initNodeBackend } from '../wasm/node';
import { scriptArgs, usageError } from './script-args';
import type { AdaptationDefaults } from '../src/spec/model-spec';
import type { ClassPrediction } from '../src/engine/predict';
import type { Model } from '../src/engine/model';

const USAGE =
  "usage: tsx scripts/adapt-sweep.ts BUNDLE --configs JSON [--data glyphs|icons] [--split validation|test] [--style none|image|episode]\n" +
  '       [--ways 5] [--shots 5] [--episodes 200] [--queries 15 (icons: 3)] [--seed 11] [--json FILE]';
const { bundle: file, values } = scriptArgs('adapt-sweep', USAGE, ['configs', 'data', 'split', 'style', 'ways', 'shots', 'episodes', 'queries', 'seed', 'json']);
if (!values.configs) usageError('adapt-sweep', USAGE, 'no --configs');
await initNodeBackend();
// The held-out icons domain is split by its fixed class halves: settings on 'validation', reports on 'test'.
const domain = values.data ?? 'glyphs';
if (domain !== 'glyphs' && domain !== 'icons') usageError('adapt-sweep', USAGE, `--data ${domain}: glyphs or icons`);
const data = domain === 'icons' ? byHalves(await loadDomainFromDisk('icons')) : await loadDomainFromDisk('glyphs');
const model = createModel(await decodeBundle(new Uint8Array(readFileSync(file))));
const configs = JSON.parse(values.configs!) as (Partial<AdaptationDefaults> & { name?: string })[];
const ways = Number(values.ways ?? 5);
const shots = Number(values.shots ?? 5);
const episodes = Number(values.episodes ?? 200);
const split = (values.split ?? 'validation') as 'validation' | 'test';
const style = (values.style ?? 'none') as 'none' | 'image' | 'episode';
const queries = Number(values.queries ?? (domain === 'icons' ? 3 : 15));
const sampler = createEpisodeSampler(data, split, { seed: Number(values.seed ?? 11), ways, shots, queries, style, smallClasses: 'skip' });
type Episode = ReturnType<typeof sampler.next>;

const rows = (x: Float32Array, n: number): number[][] => Array.from({ length: n }, (_, i) => Array.from(x.subarray((i * x.length) / n, ((i + 1) * x.length) / n)));

function accuracy(m: Model, t: Episode): { acc: number; adapted: boolean; ms: number } {
  const t0 = performance.now();
  const r = adapt(m, { inputs: rows(t.support.inputs, t.support.labels.length), labels: Array.from(t.support.labels) });
  const ms = performance.now() - t0;
  const preds = predict(m, r.head, rows(t.query.inputs, t.query.labels.length), { unknownDistance: Infinity }) as ClassPrediction[];
  const acc = preds.filter((p, i) => p.label === t.query.labels[i]).length / preds.length;
  return { acc, adapted: r.stepsUsed > 0, ms };
}

const variants = configs.map((c) => ({ name: c.name ?? JSON.stringify(c), model: { ...model, defaults: { ...model.defaults, ...c } } as Model }));
const base = { ...model, defaults: { ...model.defaults, steps: 0 } } as Model;
const acc0: number[] = [];
const accs = variants.map(() => [] as number[]);
const adaptedCount = variants.map(() => 0);
const ms = variants.map(() => 0);
for (let e = 0; e < episodes; e++) {
  const t = sampler.next();
  acc0.push(accuracy(base, t).acc);
  variants.forEach((v, i) => {
    const r = accuracy(v.model, t);
    accs[i]!.push(r.acc);
    if (r.adapted) adaptedCount[i]!++;
    ms[i]! += r.ms;
  });
}
const pct = (x: { mean: number; ci95: number }): string => `${(100 * x.mean).toFixed(2)} ± ${(100 * x.ci95).toFixed(2)}`;
const b = meanCi95(acc0);
console.log(`${domain} ${split} ${style} ${ways}w${shots}s ${episodes} episodes: steps 0 ${pct(b)}`);
const out = variants.map((v, i) => {
  const a = meanCi95(accs[i]!);
  const d = meanCi95(accs[i]!.map((x, j) => x - acc0[j]!));
  console.log(`  ${pct(a)} | diff ${pct(d)} | adapted ${adaptedCount[i]}/${episodes} | ${(ms[i]! / episodes).toFixed(0)} ms/adapt | ${v.name}`);
  return { name: v.name, acc: a, diff: d, adapted: adaptedCount[i]! / episodes };
});
if (values.json) writeFileSync(values.json, `${JSON.stringify({ bundle: file, data: domain, split, style, ways, shots, episodes, steps0: b, variants: out }, null, 2)}\n`);
model.dispose();
