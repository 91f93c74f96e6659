// How strict must the "none of these" quantile be on validation so that a NEW script's real queries
// are rejected at most `--target` of the time? Leave-one-script-out on the validation scripts only:
// for each validation script s and shot count K, fit the distance on the other scripts' queries at
// a candidate rate r, and count how many of s's real queries it rejects. The mean over scripts
// estimates what a user of an unseen script gets; the rate chosen is the loosest r whose estimate
// stays within the target at every shot count (--rule mean), or, per shot count, the loosest r whose
// upper 95% bound over the left-out scripts (mean + t·sd/√n: a new script is one more draw of them,
// and there are only a handful) stays within it (--rule ucb, the default since v5). The test split is
// never read.
//   tsx scripts/calibration-margin.ts BUNDLE [--shots 1,2,3,5,10] [--episodes 60] [--target 0.01] [--rule ucb|mean] [--json FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeBundle } from '../src/bundle/index';
import { createModel } from '../src/engine/model';
import { quantile } from '../src/eval/calibration';
import { openRun } from '../src/eval/open-episodes';
import { getTasks } from '../src/tasks/registry';
import { initNodeBackend } from '../wasm/node';
import { scriptArgs } from './script-args';
import { validationScripts } from './validation-scripts';

const USAGE = 'usage: tsx scripts/calibration-margin.ts BUNDLE [--shots 1,2,3,5,10] [--episodes 60] [--target 0.01] [--rule ucb|mean] [--seed 101] [--json FILE]';
const { bundle, values } = scriptArgs('calibration-margin', USAGE, ['shots', 'episodes', 'target', 'json', 'seed', 'rule']);
const file = bundle;
const shots = (values.shots ?? '1,2,3,5,10').split(',').map(Number);
const episodes = Number(values.episodes ?? 60);
const target = Number(values.target ?? 0.01);
const seed = Number(values.seed ?? 101);
const RATES = [0.01, 0.0075, 0.005, 0.004, 0.0035, 0.003, 0.0025, 0.002, 0.0015, 0.001];
const rule = values.rule ?? 'ucb';
if (rule !== 'ucb' && rule !== 'mean') {
  process.stderr.write(`calibration-margin: --rule is ucb or mean\n${USAGE}\n`);
  process.exit(2);
}
/** Two-sided 95% Student t quantiles by degrees of freedom (1–10); the normal's beyond. */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

await initNodeBackend();
const { scripts, only } = validationScripts();
const data = await decodeBundle(new Uint8Array(readFileSync(file)));
const { temperature: _t, unknownDistance: _u, unknownDistances: _us, ...rest } = data.defaults;
const model = createModel({ ...data, defaults: rest });
// distances[script][shots] = real (in-set) query distances.
const distances: Record<string, Record<number, number[]>> = {};
for (const s of scripts) {
  const dataset = only(s);
  distances[s] = {};
  for (const k of shots) {
    const source = getTasks('glyphs', { seed: seed + k, ways: 10, shots: k, queries: 5, dataset }).validation;
    distances[s]![k] = openRun(model, source, { ways: 5, shots: k, queries: 5, episodes }).flatMap((o) => o.distances);
    process.stderr.write(`${s} ${k}-shot: ${distances[s]![k]!.length} queries\n`);
  }
}
model.dispose();

const rows = RATES.map((r) => {
  const byShots = Object.fromEntries(
    shots.map((k) => {
      const held = scripts.map((s) => {
        const fit = scripts.filter((x) => x !== s).flatMap((x) => distances[x]![k]!);
        const d = quantile(fit, 1 - r);
        const q = distances[s]![k]!;
        return q.filter((x) => x > d).length / q.length;
      });
      const mean = held.reduce((a, b) => a + b, 0) / held.length;
      const sd = Math.sqrt(held.reduce((a, b) => a + (b - mean) ** 2, 0) / (held.length - 1));
      const ucb = mean + (T95[held.length - 2] ?? 1.96) * (sd / Math.sqrt(held.length));
      return [k, { mean, ucb, worst: Math.max(...held), perScript: held }];
    }),
  );
  return { rate: r, byShots, ok: shots.every((k) => byShots[k]!.mean <= target) };
});
for (const r of rows) {
  const cells = shots.map((k) => `${k}-shot ${(100 * r.byShots[k]!.mean).toFixed(2)}% (upper ${(100 * r.byShots[k]!.ucb).toFixed(2)}%, worst ${(100 * r.byShots[k]!.worst).toFixed(2)}%)`).join(' · ');
  process.stdout.write(`fit at ${(100 * r.rate).toFixed(2)}%: left-out script rejects ${cells}${r.ok ? '' : '  ✗'}\n`);
}
let chosen: string | null;
if (rule === 'mean') {
  chosen = String(rows.find((r) => r.ok)?.rate ?? null);
  process.stdout.write(`chosen --reject ${chosen} (loosest whose leave-one-script-out mean ≤ ${(100 * target).toFixed(1)}% at every shot count)\n`);
} else {
  const per = shots.map((k) => [k, rows.find((r) => r.byShots[k]!.ucb <= target)?.rate] as const);
  chosen = per.every(([, r]) => r !== undefined) ? per.map(([k, r]) => `${k}:${r}`).join(',') : null;
  process.stdout.write(`chosen --reject ${chosen} (per shot count, loosest whose leave-one-script-out upper 95% bound ≤ ${(100 * target).toFixed(1)}%)\n`);
}
if (values.json) writeFileSync(values.json, JSON.stringify({ bundle: file, scripts, shots, episodes, target, rule, rows, chosen }, null, 2) + '\n');
