// Which "none of these" score survives a new script? The absolute nearest-prototype distance is
// fitted on some scripts and applied to another whose features may sit further apart. This compares
// the raw distance with distances divided by a scale the head itself carries (its prototypes), by
// leave-one-script-out on the validation scripts only: for each left-out script and shot count, fit
// the score's threshold on the other scripts' real queries at rate r, and count the left-out script's
// rejected real queries; plus the pooled open-set AUROC (out-of-episode classes and blank/ink/noise).
// The test split is never read.
//   tsx scripts/relative-distance-sweep.ts BUNDLE [--shots 1,2,3,5,10] [--episodes 60] [--seed 101] [--json FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeBundle } from '../src/bundle/index';
import { createModel } from '../src/engine/model';
import { adapt } from '../src/engine/adapt';
import { predict } from '../src/engine/predict';
import { auroc, quantile } from '../src/eval/calibration';
import { getTasks } from '../src/tasks/registry';
import { createRng } from '../src/util/random';
import { initNodeBackend } from '../wasm/node';
import { scriptArgs } from './script-args';
import { validationScripts } from './validation-scripts';
import type { ClassPrediction } from '../src/engine/predict';
import type { ClassificationTask } from '../src/tasks/types';
import type { Head } from '../src/head/head';

const USAGE = 'usage: tsx scripts/relative-distance-sweep.ts BUNDLE [--shots 1,2,3,5,10] [--episodes 60] [--seed 101] [--json FILE]';
const { bundle, values } = scriptArgs('relative-distance-sweep', USAGE, ['shots', 'episodes', 'json', 'seed']);
const shots = (values.shots ?? '1,2,3,5,10').split(',').map(Number);
const episodes = Number(values.episodes ?? 60);
const seed = Number(values.seed ?? 101);
const RATES = [0.01, 0.0075, 0.005];

/** Prototypes of a prototype head: the last dense layer's kernel is 2p (logits 2g·p − ‖p‖²). */
function prototypes(head: Head): number[][] {
  const k = Object.entries(head.params).find(([n]) => n.endsWith('/kernel') && n.startsWith('head/'))![1];
  const [f, c] = k.shape as [number, number];
  return Array.from({ length: c }, (_, j) => Array.from({ length: f }, (_, i) => k.data[i * c + j]! / 2));
}
const dist = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0));

/** Scales a head carries: per class (its nearest other prototype) and per head. */
function scales(p: number[][]) {
  const nn = p.map((a, i) => Math.min(...p.map((b, j) => (i === j ? Infinity : dist(a, b)))));
  const pairs: number[] = [];
  p.forEach((a, i) => p.forEach((b, j) => j > i && pairs.push(dist(a, b))));
  const sorted = [...nn].sort((x, y) => x - y);
  const norms = p.map((a) => Math.sqrt(a.reduce((s, x) => s + x * x, 0)));
  return {
    nn,
    meanPair: pairs.reduce((s, x) => s + x, 0) / pairs.length,
    medianNn: sorted[Math.floor(sorted.length / 2)]!,
    meanNorm: norms.reduce((s, x) => s + x, 0) / norms.length,
  };
}

type Scored = Record<string, number>;
const SCORES = ['raw', 'perClassNn', 'meanPair', 'medianNn', 'meanNorm', 'secondRatio', 'secondGap'] as const;
function score(pred: ClassPrediction, head: Head, sc: ReturnType<typeof scales>): Scored {
  const d = pred.distance!;
  const c = head.labels.map(String).indexOf(String(pred.label));
  // The second-nearest prototype's distance from the scores: logit_c = ‖g‖² − d_c² at temperature T.
  const sorted = Object.values(pred.scores).sort((a, b) => b - a);
  const d2 = Math.sqrt(d * d + temperature * Math.log(sorted[0]! / Math.max(sorted[1]!, 1e-300)));
  return { secondRatio: d / d2, secondGap: d - 0.5 * d2, raw: d, perClassNn: d / sc.nn[c]!, meanPair: d / sc.meanPair, medianNn: d / sc.medianNn, meanNorm: d / sc.meanNorm };
}

const rowsOf = (x: Float32Array, n: number) => Array.from({ length: n }, (_, i) => Array.from(x.subarray((i * x.length) / n, ((i + 1) * x.length) / n)));

await initNodeBackend();
const { scripts, only } = validationScripts();
const data = await decodeBundle(new Uint8Array(readFileSync(bundle)));
const model = createModel(data);
const temperature = data.defaults.temperature ?? 1;
const rng = createRng(99);
const junk = [new Array(784).fill(0), new Array(784).fill(1), ...Array.from({ length: 30 }, () => Array.from({ length: 784 }, () => rng.next()))];

// real[script][shots] and outliers[shots] / junkScores[shots]: one Scored per query.
const real: Record<string, Record<number, Scored[]>> = {};
const outliers: Record<number, Scored[]> = {};
const junkScores: Record<number, Scored[]> = {};
for (const s of scripts) {
  const dataset = only(s);
  real[s] = {};
  for (const k of shots) {
    const source = getTasks('glyphs', { seed: seed + k, ways: 10, shots: k, queries: 5, dataset }).validation;
    const mine: Scored[] = [];
    for (let e = 0; e < episodes; e++) {
      const t = source.next() as ClassificationTask;
      const sx = rowsOf(t.support.x, t.support.n);
      const qx = rowsOf(t.query.x, t.query.n);
      const keep = Array.from(t.support.y).map((y, i) => [y, i] as const).filter(([y]) => y < 5);
      const { head } = adapt(model, { inputs: keep.map(([, i]) => sx[i]!), labels: keep.map(([y]) => y) });
      const sc = scales(prototypes(head));
      const qs = Array.from(t.query.y).map((y, i) => [y, i] as const);
      const preds = predict(model, head, qs.map(([, i]) => qx[i]!), { unknownDistance: Infinity }) as ClassPrediction[];
      preds.forEach((p, j) => (qs[j]![0] < 5 ? mine : (outliers[k] ??= [])).push(score(p, head, sc)));
      if (e === 0) {
        const jp = predict(model, head, junk, { unknownDistance: Infinity }) as ClassPrediction[];
        (junkScores[k] ??= []).push(...jp.map((p) => score(p, head, sc)));
      }
    }
    real[s]![k] = mine;
    process.stderr.write(`${s} ${k}-shot: ${mine.length} real, ${outliers[k]!.length} outliers so far\n`);
  }
}
model.dispose();

const result: Record<string, unknown> = {};
for (const name of SCORES) {
  const perShot = Object.fromEntries(
    shots.map((k) => {
      const pos = scripts.flatMap((s) => real[s]![k]!.map((x) => x[name]!));
      const loso = RATES.map((r) => {
        const held = scripts.map((s) => {
          const d = quantile(scripts.filter((x) => x !== s).flatMap((x) => real[x]![k]!.map((y) => y[name]!)), 1 - r);
          const q = real[s]![k]!.map((y) => y[name]!);
          return { rejected: q.filter((x) => x > d).length / q.length, junkKept: junkScores[k]!.filter((y) => y[name]! <= d).length };
        });
        return { rate: r, mean: held.reduce((a, b) => a + b.rejected, 0) / held.length, worst: Math.max(...held.map((h) => h.rejected)), junkKept: Math.max(...held.map((h) => h.junkKept)) };
      });
      return [k, { auroc: auroc(outliers[k]!.map((x) => x[name]!), pos), aurocJunk: auroc(junkScores[k]!.map((x) => x[name]!), pos), loso }];
    }),
  );
  result[name] = perShot;
  for (const k of shots) {
    const r = perShot[k]!;
    const l = r.loso.map((x) => `${(100 * x.rate).toFixed(2)}%→${(100 * x.mean).toFixed(2)}% (worst ${(100 * x.worst).toFixed(2)}%${x.junkKept ? `, junk kept ${x.junkKept}` : ''})`).join(' · ');
    process.stdout.write(`${name.padEnd(10)} ${String(k).padStart(2)}-shot AUROC ${r.auroc.toFixed(4)} junk ${r.aurocJunk.toFixed(4)} | LOSO ${l}\n`);
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify({ bundle: bundle, scripts, shots, episodes, seed, result }, null, 2) + '\n');
