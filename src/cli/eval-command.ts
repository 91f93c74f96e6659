import { decodeBundle } from '../bundle/index';
import { createModel } from '../engine/model';
import { compareResults, evaluate } from '../eval/evaluate';
import { barChartSvg } from '../plots/bar-chart';
import { learningCurvesSvg } from '../plots/learning-curves';
import { getTasks, TASK_NAMES } from '../tasks/registry';
import { initNodeBackend } from '../../wasm/node';
import { CliError, parse, readBytes, UsageError, writeAtomic } from './bundle/cli-io';
import { loadGlyphsFromDisk } from './glyphs-data';
import type { Command } from './commands';
import type { EvalResult } from '../eval/evaluate';
import type { TaskName } from '../tasks/registry';
import type { GlyphDataset } from '../data/glyphs';

const USAGE = 'fewshot eval --bundle FILE --task sinusoid|glyphs [--ways N] --shots K --steps S [--episodes 600] [--queries Q] [--lr X] [--seed S] [--split test|validation] [--json] [--baseline FILE] [--plot out.svg]';

const FLAGS = {
  bundle: { type: 'string' }, task: { type: 'string' }, ways: { type: 'string' }, shots: { type: 'string' }, steps: { type: 'string' },
  episodes: { type: 'string' }, queries: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' },
  baseline: { type: 'string' }, plot: { type: 'string' }, split: { type: 'string' }, help: { type: 'boolean' },
} as const;

function int(v: unknown, flag: string, fallback?: number, min = 0): number {
  if (v === undefined && fallback !== undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer ≥ ${min}`);
  return n;
}

const usage = (m: string): never => {
  throw new UsageError(m);
};

const pct = (r: { mean: number; ci95: number }) => `${(100 * r.mean).toFixed(2)}% ± ${(100 * r.ci95).toFixed(2)}%`;
const mse = (r: { mean: number; ci95: number }) => `${r.mean.toFixed(4)} ± ${r.ci95.toFixed(4)}`;

/** Human summary of a result (and its comparison with a baseline). */
export function describe(name: string, r: EvalResult, base?: { name: string; r: EvalResult }): string {
  const f = r.metric === 'accuracy' ? pct : mse;
  const setting = r.metric === 'accuracy' ? `${r.ways}-way ${r.shots}-shot` : `K=${r.shots}`;
  let s = `${name}: ${r.task} ${setting}, ${r.steps} steps, ${r.episodes} ${r.metric === 'accuracy' ? 'episodes' : 'tasks'}: ${r.metric} ${f(r)} (95% CI)\n`;
  if (r.curve) s += r.curve.map((p) => `  step ${String(p.step).padStart(2)}: ${mse(p)}`).join('\n') + '\n';
  if (base) {
    const d = compareResults(r, base.r);
    s += `baseline ${base.name}: ${r.metric} ${f(base.r)}\ndifference: ${r.metric === 'accuracy' ? `${(100 * d.diff).toFixed(2)} ± ${(100 * d.ci95).toFixed(2)} points` : `${d.diff.toFixed(4)} ± ${d.ci95.toFixed(4)}`}\n`;
  }
  return s;
}

async function evalBundle(path: string, task: TaskName, o: { ways: number; shots: number; steps: number; episodes: number; queries: number; seed: number; split: 'test' | 'validation'; lr?: number }, dataset?: GlyphDataset): Promise<{ name: string; r: EvalResult }> {
  let data;
  try {
    data = await decodeBundle(await readBytes(path));
  } catch (e) {
    throw new CliError(`${path}: ${(e as Error).message}`);
  }
  const kind = task === 'sinusoid' ? 'regression' : 'classification';
  if (data.spec.task !== kind) throw new UsageError(`${path} is a ${data.spec.task} bundle; --task ${task} needs ${kind}`);
  const model = createModel(data);
  try {
    const splits = getTasks(task, { seed: o.seed, shots: o.shots, queries: o.queries, ways: o.ways, ...(dataset ? { dataset } : {}) });
    const r = evaluate(model, splits[o.split], { task, ways: o.ways, shots: o.shots, steps: o.steps, episodes: o.episodes, ...(o.lr === undefined ? {} : { lr: o.lr }) });
    return { name: data.name, r };
  } finally {
    model.dispose();
  }
}

function plot(main: { name: string; r: EvalResult }, base?: { name: string; r: EvalResult }): string {
  const all = base ? [main, base] : [main];
  if (main.r.curve) {
    return learningCurvesSvg(all.map((x) => ({ label: x.name, points: x.r.curve! })), { title: `sinusoid K=${main.r.shots}: MSE vs gradient steps (${main.r.episodes} tasks, 95% CI)` });
  }
  return barChartSvg([{ label: `${main.r.ways}-way ${main.r.shots}-shot`, bars: all.map((x) => ({ label: x.name, mean: x.r.mean, ci95: x.r.ci95 })) }], { title: `glyphs test accuracy (${main.r.episodes} episodes, 95% CI)`, yRange: [0, 1] });
}

async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, FLAGS, 0);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (typeof values.bundle !== 'string') throw new UsageError('--bundle FILE is required');
  const task = values.task as TaskName;
  if (!TASK_NAMES.includes(task)) throw new UsageError(`--task must be one of ${TASK_NAMES.join('|')}`);
  const shots = int(values.shots, 'shots', undefined, 1);
  const o = {
    ways: task === 'sinusoid' ? 1 : int(values.ways, 'ways', 5, 2),
    shots,
    steps: int(values.steps, 'steps', task === 'sinusoid' ? 10 : undefined),
    episodes: int(values.episodes, 'episodes', 600, 1),
    queries: int(values.queries, 'queries', 15, 1),
    seed: int(values.seed, 'seed', 1),
    split: values.split === undefined ? ('test' as const) : values.split === 'validation' || values.split === 'test' ? (values.split as 'test' | 'validation') : usage('--split must be test or validation'),
    ...(values.lr === undefined ? {} : { lr: Number(values.lr) }),
  };
  if (o.lr !== undefined && !(o.lr >= 0)) throw new UsageError('--lr must be a non-negative number');
  await initNodeBackend();
  const dataset = task === 'glyphs' ? await loadGlyphsFromDisk() : undefined;
  const main = await evalBundle(values.bundle, task, o, dataset);
  const base = typeof values.baseline === 'string' ? await evalBundle(values.baseline, task, o, dataset) : undefined;
  if (typeof values.plot === 'string') await writeAtomic(values.plot, plot(main, base));
  if (values.json) {
    const out: Record<string, unknown> = { ...main.r, bundle: main.name, seed: o.seed, split: o.split, ...(o.lr === undefined ? {} : { lr: o.lr }) };
    if (base) out.baseline = { bundle: base.name, mean: base.r.mean, ci95: base.r.ci95, ...(base.r.curve ? { curve: base.r.curve } : {}) };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else process.stdout.write(describe(main.name, main.r, base));
  return 0;
}

/** `fewshot eval`: mean ± 95% CI of a bundle on test tasks through adapt/predict. */
export const command: Command = {
  summary: 'evaluate a bundle: mean ± 95% CI over test tasks',
  run: async (argv) => {
    try {
      return await run(argv);
    } catch (e) {
      if (e instanceof UsageError) {
        process.stderr.write(`fewshot eval: ${e.message}\n${USAGE}\n`);
        return 2;
      }
      throw e;
    }
  },
};
