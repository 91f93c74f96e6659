import { decodeBundle, encodeBundle } from '../src/bundle/index';
import { createModel } from '../src/engine/model';
import { fitTemperature, quantile } from '../src/eval/calibration';
import { openRun } from '../src/eval/open-episodes';
import { getTasks } from '../src/tasks/registry';
import { initNodeBackend } from '../wasm/node';
import { CliError, readBytes, UsageError, writeAtomic } from './bundle/cli-io';
import { intFlag, numFlag, parseUsage } from './usage';
import type { Usage } from './usage';
import { loadGlyphsFromDisk } from './glyphs-data';
import type { Command } from './command';

const USAGE: Usage = {
  command: 'fewshot calibrate',
  summary:
    "Fit a glyph bundle's scores on validation episodes (scripts never seen in training or test): the softmax\n" +
    'temperature that minimises the NLL, and, for each shot count K, the "none of these" distance that rejects a\n' +
    'fraction --reject of real queries of K-shot users. Writes a copy of the bundle with both in its adaptation\n' +
    "defaults (predict's unknown/label null; a head takes the distance of its own shot count).",
  flags: {
    bundle: { type: 'string', arg: 'FILE', help: 'the bundle to calibrate (glyphs, prototype head)', required: true },
    out: { type: 'string', arg: 'FILE', help: 'the calibrated bundle to write', required: true },
    episodes: { type: 'string', arg: 'N', help: 'validation episodes (≥ 10)', default: '200' },
    ways: { type: 'string', arg: 'N', help: 'classes per episode', default: '5' },
    shots: { type: 'string', arg: 'K[,K…]', help: 'support images per class; a list splits the episodes between them, so the threshold holds for every one', default: '1,2,5' },
    reject: { type: 'string', arg: 'P|K:P,…', help: 'fraction of real queries the threshold may reject at each shot count (0–0.5), or one per shot count (1:0.004,5:0.002)', default: '0.01' },
    seed: { type: 'string', arg: 'S', help: 'seed of the validation episodes', default: '1' },
  },
};

const pct = (r: number): string => `${+(100 * r).toPrecision(3)}%`;

/** One rate as a number (as before); per-shot rates as {K: P}. */
const rejectJson = (m: Map<number, number>): number | Record<string, number> => (new Set(m.values()).size === 1 ? m.values().next().value! : Object.fromEntries(m));

/** `--reject P` (every shot count) or `K:P,…` (one per shot count, each of --shots listed). */
function rejectRates(text: string, shots: number[]): Map<number, number> {
  const rate = (s: string): number => {
    const r = numFlag({ reject: s }, 'reject', true)!;
    if (r >= 0.5) throw new UsageError('--reject must be below 0.5');
    return r;
  };
  if (!text.includes(':')) return new Map(shots.map((k) => [k, rate(text)]));
  const out = new Map<number, number>();
  for (const part of text.split(',')) {
    const [k, r] = part.split(':');
    const shot = Number(k);
    if (!Number.isInteger(shot) || shot < 1 || r === undefined) throw new UsageError(`--reject: '${part}' is not K:P (a shot count and a fraction)`);
    out.set(shot, rate(r));
  }
  const missing = shots.filter((k) => !out.has(k));
  if (missing.length) throw new UsageError(`--reject has no rate for ${missing.map((k) => `${k}-shot`).join(', ')} (--shots ${shots.join(',')})`);
  return out;
}

/**
 * Fits a glyph bundle's scores on validation episodes (scripts never seen in training or test):
 * the softmax temperature that minimises NLL, and the "none of these" distance that rejects a
 * fraction `--reject` of real queries. Writes a copy of the bundle with both in its defaults.
 */
async function run(argv: string[]): Promise<number> {
  const { values } = parseUsage(USAGE, argv);
  const episodes = intFlag(values, 'episodes', 10) ?? 200;
  const ways = intFlag(values, 'ways', 2) ?? 5;
  const shots = typeof values.shots === 'string' ? values.shots.split(',').map((k) => intFlag({ shots: k }, 'shots', 1)!) : [1, 2, 5];
  const reject = rejectRates(typeof values.reject === 'string' ? values.reject : '0.01', shots);
  const seed = intFlag(values, 'seed', 0) ?? 1;
  const bundle = values.bundle as string;
  const out = values.out as string;
  let data;
  try {
    data = await decodeBundle(await readBytes(bundle));
  } catch (e) {
    throw new CliError(`${bundle}: ${(e as Error).message}`);
  }
  // A refused model, not a usage error: the flags were right, the bundle is the wrong kind (exit 1).
  if (data.spec.task !== 'classification' || data.defaults.headInit !== 'prototype') {
    const is = data.spec.task !== 'classification' ? `a ${data.spec.task} bundle` : `a classification bundle with a ${data.defaults.headInit} head`;
    throw new CliError(`${bundle} is ${is}: calibrate needs a glyph classification bundle with a prototype head`);
  }
  await initNodeBackend();
  const dataset = await loadGlyphsFromDisk();
  const { temperature: _t, unknownDistance: _u, unknownDistances: _us, ...rest } = data.defaults;
  const model = createModel({ ...data, defaults: rest });
  let byShots;
  try {
    byShots = [...new Set(shots)].sort((a, b) => a - b).map((k, i) => {
      const source = getTasks('glyphs', { seed: seed + i, ways: 2 * ways, shots: k, queries: 5, dataset }).validation;
      return { shots: k, outcomes: openRun(model, source, { ways, shots: k, queries: 5, episodes: Math.ceil(episodes / shots.length) }) };
    });
  } finally {
    model.dispose();
  }
  const outcomes = byShots.flatMap((b) => b.outcomes);
  const temperature = fitTemperature(outcomes.flatMap((o) => o.logits), outcomes.flatMap((o) => o.labels));
  // One quantile per shot count: a pooled one rejects 1-shot users' real queries far more often.
  const unknownDistances = byShots.map((b) => ({ shots: b.shots, distance: quantile(b.outcomes.flatMap((o) => o.distances), 1 - reject.get(b.shots)!) }));
  // Heads that do not record their shot count get the loosest distance: never more rejections than fitted.
  const unknownDistance = Math.max(...unknownDistances.map((e) => e.distance));
  const { id: _id, storage: _s, ...keep } = data;
  const defaults = { ...rest, temperature, unknownDistance, unknownDistances };
  const bytes = await encodeBundle({ ...keep, defaults, provenance: { ...data.provenance, calibration: { episodes, ways, shots, reject: rejectJson(reject), seed, split: 'validation' } } });
  await writeAtomic(out, bytes);
  const rates = [...new Set(reject.values())];
  const list = unknownDistances.map((e) => `${e.shots}-shot ${e.distance.toPrecision(4)}${rates.length > 1 ? ` (${pct(reject.get(e.shots)!)})` : ''}`).join(', ');
  process.stdout.write(`${out}: temperature ${temperature.toPrecision(4)}, unknown distance ${list} (${rates.length > 1 ? 'each rejects its rate' : `each rejects ${pct(rates[0]!)}`} of its validation queries)\n`);
  return 0;
}

/** `fewshot calibrate`: fits a bundle's score temperature and "none of these" distance. */
export const command: Command = {
  summary: 'fit a glyph bundle\'s score temperature and "none of these" distance on validation episodes',
  run,
};
