import { decodeBundle, encodeBundle } from '../bundle/index';
import { createModel } from '../engine/model';
import { fitTemperature, quantile } from '../eval/calibration';
import { openRun } from '../eval/open-episodes';
import { getTasks } from '../tasks/registry';
import { initNodeBackend } from '../../wasm/node';
import { CliError, parse, readBytes, UsageError, writeAtomic } from './bundle/cli-io';
import { loadGlyphsFromDisk } from './glyphs-data';
import type { Command } from './commands';

const USAGE = 'fewshot calibrate --bundle FILE --out FILE [--episodes 200] [--ways 5] [--shots 5] [--reject 0.02] [--seed 1]';

const FLAGS = { bundle: { type: 'string' }, out: { type: 'string' }, episodes: { type: 'string' }, ways: { type: 'string' }, shots: { type: 'string' }, reject: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean' } } as const;

function num(v: unknown, flag: string, def: number, ok: (n: number) => boolean): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (typeof v !== 'string' || !ok(n)) throw new UsageError(`--${flag} is out of range`);
  return n;
}

/**
 * Fits a glyph bundle's scores on validation episodes (scripts never seen in training or test):
 * the softmax temperature that minimises NLL, and the "none of these" distance that rejects a
 * fraction `--reject` of real queries. Writes a copy of the bundle with both in its defaults.
 */
async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, FLAGS, 0) as { values: Record<string, string | boolean | undefined> };
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (typeof values.bundle !== 'string' || typeof values.out !== 'string') throw new UsageError('--bundle FILE and --out FILE are required');
  const episodes = num(values.episodes, 'episodes', 200, (n) => Number.isInteger(n) && n >= 10);
  const ways = num(values.ways, 'ways', 5, (n) => Number.isInteger(n) && n >= 2);
  const shots = num(values.shots, 'shots', 5, (n) => Number.isInteger(n) && n >= 1);
  const reject = num(values.reject, 'reject', 0.02, (n) => n > 0 && n < 0.5);
  const seed = num(values.seed, 'seed', 1, Number.isInteger);
  let data;
  try {
    data = await decodeBundle(await readBytes(values.bundle));
  } catch (e) {
    throw new CliError(`${values.bundle}: ${(e as Error).message}`);
  }
  if (data.spec.task !== 'classification' || data.defaults.headInit !== 'prototype') throw new UsageError('calibrate needs a glyph classification bundle with a prototype head');
  await initNodeBackend();
  const dataset = await loadGlyphsFromDisk();
  const { temperature: _t, unknownDistance: _u, ...rest } = data.defaults;
  const model = createModel({ ...data, defaults: rest });
  let outcomes;
  try {
    const source = getTasks('glyphs', { seed, ways: 2 * ways, shots, queries: 5, dataset }).validation;
    outcomes = openRun(model, source, { ways, shots, queries: 5, episodes });
  } finally {
    model.dispose();
  }
  const temperature = fitTemperature(outcomes.flatMap((o) => o.logits), outcomes.flatMap((o) => o.labels));
  const unknownDistance = quantile(outcomes.flatMap((o) => o.distances), 1 - reject);
  const { id: _id, storage: _s, ...keep } = data;
  const bytes = await encodeBundle({ ...keep, defaults: { ...rest, temperature, unknownDistance }, provenance: { ...data.provenance, calibration: { episodes, ways, shots, reject, seed, split: 'validation' } } });
  await writeAtomic(values.out, bytes);
  process.stdout.write(`${values.out}: temperature ${temperature.toPrecision(4)}, unknownDistance ${unknownDistance.toPrecision(4)} (rejects ${(100 * reject).toFixed(1)}% of validation queries)\n`);
  return 0;
}

/** `fewshot calibrate`: fits a bundle's score temperature and "none of these" distance. */
export const command: Command = {
  summary: 'fit a glyph bundle\'s score temperature and "none of these" distance on validation episodes',
  run: async (argv) => {
    try {
      return await run(argv);
    } catch (e) {
      if (e instanceof UsageError) {
        process.stderr.write(`fewshot calibrate: ${e.message}\n${USAGE}\n`);
        return 2;
      }
      throw e;
    }
  },
};
