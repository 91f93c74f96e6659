// Which guard rule keeps the steps where they pay? Per episode this records the accuracy at steps 0,
// the accuracy with the steps unguarded, and the shipped guard's held-out numbers for several
// splits of the same support set (the support rotated within each class, so a different half is held
// out each time). Any rule over those numbers is then scored offline, paired with steps 0, on the
// same episodes. Validation data only: settings are chosen here, reported on test elsewhere.
//   tsx scripts/guard-sweep.ts BUNDLE [--data glyphs|icons] [--style none|image|episode] [--shots 5] [--episodes 200] [--splits 3] [--json FILE]
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
import { scriptArgs } from './script-args';
import type { ClassPrediction } from '../src/engine/predict';
import type { Model } from '../src/engine/model';

const USAGE = 'usage: tsx scripts/guard-sweep.ts BUNDLE [--data glyphs|icons] [--style none|image|episode] [--shots 5] [--episodes 200] [--splits 3] [--seed 11] [--json FILE]';
const { bundle, values } = scriptArgs('guard-sweep', USAGE, ['data', 'style', 'shots', 'episodes', 'splits', 'seed', 'json', 'lr']);
await initNodeBackend();
const domain = values.data ?? 'glyphs';
const data = domain === 'icons' ? byHalves(await loadDomainFromDisk('icons')) : await loadDomainFromDisk('glyphs');
const model = createModel(await decodeBundle(new Uint8Array(readFileSync(bundle))));
const shots = Number(values.shots ?? 5);
const episodes = Number(values.episodes ?? 200);
const splits = Number(values.splits ?? 3);
const style = (values.style ?? 'none') as 'none' | 'image' | 'episode';
const lr = values.lr === undefined ? {} : { lr: Number(values.lr) };
const sampler = createEpisodeSampler(data, 'validation', { seed: Number(values.seed ?? 11), ways: 5, shots, queries: domain === 'icons' ? 3 : 15, style, smallClasses: 'skip' });
const rows = (x: Float32Array, n: number): number[][] => Array.from({ length: n }, (_, i) => Array.from(x.subarray((i * x.length) / n, ((i + 1) * x.length) / n)));
const with_ = (d: Partial<Model['defaults']>) => ({ ...model, defaults: { ...model.defaults, ...lr, ...d } }) as Model;

type Held = { before: number; after: number; accuracyBefore: number; accuracyAfter: number };
const records: { acc0: number; accSteps: number; held: Held[] }[] = [];
for (let e = 0; e < episodes; e++) {
  const t = sampler.next();
  const sx = rows(t.support.inputs, t.support.labels.length);
  const sy = Array.from(t.support.labels);
  const qx = rows(t.query.inputs, t.query.labels.length);
  const acc = (m: Model) => {
    const r = adapt(m, { inputs: sx, labels: sy });
    const p = predict(m, r.head, qx, { unknownDistance: Infinity }) as ClassPrediction[];
    return p.filter((q, i) => q.label === t.query.labels[i]).length / p.length;
  };
  const held: Held[] = [];
  for (let r = 0; r < splits; r++) {
    // Rotate each class's examples by r, so the guard's alternate-example split holds out others.
    const order: number[] = [];
    const byClass = new Map<unknown, number[]>();
    sy.forEach((y, i) => byClass.set(y, [...(byClass.get(y) ?? []), i]));
    for (const idx of byClass.values()) order.push(...idx.map((_, j) => idx[(j + r) % idx.length]!));
    const g = adapt(with_({ guard: 'split' }), { inputs: order.map((i) => sx[i]!), labels: order.map((i) => sy[i]!) }).guard;
    if (g?.heldOut) held.push(g.heldOut);
  }
  records.push({ acc0: acc(with_({ steps: 0 })), accSteps: acc(with_({ guard: 'off' })), held });
}
model.dispose();

// Rules: adapt (take accSteps) or keep (acc0), from the held-out numbers of the first n splits.
const d = (h: Held) => ({ acc: h.accuracyAfter - h.accuracyBefore, loss: h.after - h.before });
const RULES: Record<string, (h: Held[]) => boolean> = {
  'shipped (1 split)': (h) => d(h[0]!).acc >= 0 && d(h[0]!).loss <= 1,
  'no guard': () => true,
};
for (let n = 2; n <= splits; n++) {
  const sum = (h: Held[], k: 'acc' | 'loss') => h.slice(0, n).reduce((s, x) => s + d(x)[k], 0) / n;
  RULES[`${n} splits, mean acc ≥ 0`] = (h) => sum(h, 'acc') >= 0 && sum(h, 'loss') <= 1;
  RULES[`${n} splits, mean acc > 0 or (= 0 and loss falls)`] = (h) => sum(h, 'acc') > 0 || (sum(h, 'acc') === 0 && sum(h, 'loss') <= 0);
  RULES[`${n} splits, every split acc ≥ 0`] = (h) => h.slice(0, n).every((x) => d(x).acc >= 0 && d(x).loss <= 1);
}
RULES['1 split, acc drop ≤ 0.1'] = (h) => d(h[0]!).acc >= -0.1 - 1e-9 && d(h[0]!).loss <= 1;
RULES['1 split, loss only (falls)'] = (h) => d(h[0]!).loss <= 0;
RULES['1 split, acc ≥ 0, no loss brake'] = (h) => d(h[0]!).acc >= 0;
RULES['1 split, acc ≥ 0, loss brake 0.5'] = (h) => d(h[0]!).acc >= 0 && d(h[0]!).loss <= 0.5;
for (const b of [2, 3, 4]) RULES[`1 split, acc ≥ 0, loss brake ${b}`] = (h) => d(h[0]!).acc >= 0 && d(h[0]!).loss <= b;
RULES['1 split, acc > 0 or (= 0 and loss falls)'] = (h) => d(h[0]!).acc > 0 || (d(h[0]!).acc === 0 && d(h[0]!).loss <= 0);
const pct = (x: { mean: number; ci95: number }) => `${(100 * x.mean).toFixed(2)} ± ${(100 * x.ci95).toFixed(2)}`;
console.log(`${domain} validation ${style} 5w${shots}s, ${episodes} episodes: steps 0 ${pct(meanCi95(records.map((r) => r.acc0)))}`);
const out = Object.entries(RULES).map(([name, rule]) => {
  const go = records.map((r) => r.held.length === splits && rule(r.held));
  const diff = meanCi95(records.map((r, i) => (go[i] ? r.accSteps : r.acc0) - r.acc0));
  const adapted = go.filter(Boolean).length / records.length;
  console.log(`  ${pct(diff)} | adapted ${(100 * adapted).toFixed(0)}% | ${name}`);
  return { name, diff, adapted };
});
if (values.json) writeFileSync(values.json, `${JSON.stringify({ data: domain, style, shots, episodes, splits, rules: out, records }, null, 2)}\n`);
