import { decodeBundle } from '../src/bundle/index';
import { createModel } from '../src/engine/model';
import { compareResults, evaluate } from '../src/eval/evaluate';
import { barChartSvg } from '../src/plots/bar-chart';
import { learningCurvesSvg } from '../src/plots/learning-curves';
import { getTasks, TASK_NAMES } from '../src/tasks/registry';
import { initNodeBackend } from '../wasm/node';
import { CliError, readBytes, UsageError, writeAtomic } from './bundle/cli-io';
import { intFlag, numFlag, parseUsage } from './usage';
import type { Usage } from './usage';
import { loadGlyphsFromDisk } from './glyphs-data';
import type { Command } from './command';
import type { EvalResult } from '../src/eval/evaluate';
import type { TaskName } from '../src/tasks/registry';
import type { GlyphDataset } from '../src/data/glyphs';

export const EVAL_USAGE: Usage = {
  command: 'fewshot eval',
  summary: 'Evaluate a bundle on seeded test tasks through adapt/predict: mean ± 95% CI (1.96·σ/√n). Classification: accuracy;\nregression: MSE after every step 0..S (a curve).',
  flags: {
    bundle: { type: 'string', arg: 'FILE', help: 'the bundle to evaluate', required: true },
    task: { type: 'string', arg: TASK_NAMES.join('|'), help: 'task family (sinusoid: regression, glyphs: classification)', required: true },
    ways: { type: 'string', arg: 'N', help: 'classes per episode (glyphs only; refused for sinusoid)', default: '5' },
    shots: { type: 'string', arg: 'K', help: 'support examples per class (sinusoid: points per task)', required: true },
    steps: { type: 'string', arg: 'S', help: 'inner-loop steps', default: "sinusoid 10 (the curve 0..10), glyphs the bundle's" },
    episodes: { type: 'string', arg: 'N', help: 'test episodes (tasks)', default: '600' },
    queries: { type: 'string', arg: 'Q', help: 'query examples per class', default: '15' },
    lr: { type: 'string', arg: 'X', help: 'inner-loop learning rate', default: "the bundle's" },
    seed: { type: 'string', arg: 'S', help: 'episode seed', default: '1' },
    split: { type: 'string', arg: 'test|validation', help: 'which split to draw tasks from', default: 'test' },
    json: { type: 'boolean', help: 'print one JSON object {task, ways, shots, steps, episodes, metric, mean, ci95 (null for 1 episode), curve?, ...}' },
    baseline: { type: 'string', arg: 'FILE', help: 'a second bundle evaluated on the same episodes, and the difference' },
    plot: { type: 'string', arg: 'out.svg', help: 'write an SVG plot (learning curves or bars)' },
  },
};

const usage = (m: string): never => {
  throw new UsageError(m);
};

// One episode has no spread: its interval would print as "± 0", which claims certainty it does not have.
const pct = (r: { mean: number; ci95: number }, ci: boolean) => `${(100 * r.mean).toFixed(2)}%${ci ? ` ± ${(100 * r.ci95).toFixed(2)}%` : ''}`;
const mse = (r: { mean: number; ci95: number }, ci: boolean) => `${r.mean.toFixed(4)}${ci ? ` ± ${r.ci95.toFixed(4)}` : ''}`;
const NO_CI = '(no 95% CI: it needs ≥ 2 episodes)';

/** Human summary of a result (and its comparison with a baseline). */
export function describe(name: string, r: EvalResult, base?: { name: string; r: EvalResult }): string {
  const ci = r.episodes >= 2;
  const f = r.metric === 'accuracy' ? pct : mse;
  const setting = r.metric === 'accuracy' ? `${r.ways}-way ${r.shots}-shot` : `K=${r.shots}`;
  const unit = r.metric === 'accuracy' ? 'episode' : 'task';
  let s = `${name}: ${r.task} ${setting}, ${r.steps} steps, ${r.episodes} ${unit}${r.episodes === 1 ? '' : 's'}: ${r.metric} ${f(r, ci)} ${ci ? '(95% CI)' : NO_CI.replace('episodes', `${unit}s`)}\n`;
  if (r.curve) s += r.curve.map((p) => `  step ${String(p.step).padStart(2)}: ${mse(p, ci)}`).join('\n') + '\n';
  if (base) {
    const d = compareResults(r, base.r);
    const pm = (v: number, digits: number) => (ci ? ` ± ${v.toFixed(digits)}` : '');
    s += `baseline ${base.name}: ${r.metric} ${f(base.r, ci)}\n${d.paired ? 'paired difference (same episodes)' : 'difference'}: ${r.metric === 'accuracy' ? `${(100 * d.diff).toFixed(2)}${pm(100 * d.ci95, 2)} points` : `${d.diff.toFixed(4)}${pm(d.ci95, 4)}`}\n`;
  }
  return s;
}

async function evalBundle(path: string, task: TaskName, o: { ways: number; shots: number; steps?: number; episodes: number; queries: number; seed: number; split: 'test' | 'validation'; lr?: number }, dataset?: GlyphDataset): Promise<{ name: string; r: EvalResult }> {
  let data;
  try {
    data = await decodeBundle(await readBytes(path));
  } catch (e) {
    throw new CliError(`${path}: ${(e as Error).message}`);
  }
  const kind = task === 'sinusoid' ? 'regression' : 'classification';
  // A refused model (exit 1, as README's rule has it), not a usage error.
  if (data.spec.task !== kind) throw new CliError(`${path} is a ${data.spec.task} bundle; --task ${task} needs ${kind}`);
  const model = createModel(data);
  try {
    const splits = getTasks(task, { seed: o.seed, shots: o.shots, queries: o.queries, ways: o.ways, ...(dataset ? { dataset } : {}) });
    const r = evaluate(model, splits[o.split], { task, ways: o.ways, shots: o.shots, steps: o.steps ?? data.defaults.steps, episodes: o.episodes, ...(o.lr === undefined ? {} : { lr: o.lr }) });
    return { name: data.name, r };
  } finally {
    model.dispose();
  }
}

function plot(main: { name: string; r: EvalResult }, base?: { name: string; r: EvalResult }): string {
  const all = base ? [main, base] : [main];
  if (main.r.curve) {
    return learningCurvesSvg(all.map((x) => ({ label: x.name, points: x.r.curve! })), { title: `sinusoid K=${main.r.shots}: MSE vs gradient steps (${main.r.episodes} tasks${main.r.episodes >= 2 ? ', 95% CI' : ''})` });
  }
  return barChartSvg([{ label: `${main.r.ways}-way ${main.r.shots}-shot`, bars: all.map((x) => ({ label: x.name, mean: x.r.mean, ci95: x.r.ci95 })) }], { title: `glyphs test accuracy (${main.r.episodes} episode${main.r.episodes === 1 ? '' : 's'}${main.r.episodes >= 2 ? ', 95% CI' : ''})`, yRange: [0, 1] });
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseUsage(EVAL_USAGE, argv);
  const task = values.task as TaskName;
  if (!TASK_NAMES.includes(task)) throw new UsageError(`--task must be one of ${TASK_NAMES.join('|')}`);
  if (task === 'sinusoid' && values.ways !== undefined) throw new UsageError('--ways applies to glyphs only (sinusoid tasks are regression: one function per task)');
  const o = {
    ways: task === 'sinusoid' ? 1 : intFlag(values, 'ways', 2) ?? 5,
    shots: intFlag(values, 'shots', 1)!,
    steps: intFlag(values, 'steps', 0) ?? (task === 'sinusoid' ? 10 : undefined),
    episodes: intFlag(values, 'episodes', 1) ?? 600,
    queries: intFlag(values, 'queries', 1) ?? 15,
    seed: intFlag(values, 'seed', 0) ?? 1,
    split: values.split === undefined ? ('test' as const) : values.split === 'validation' || values.split === 'test' ? (values.split as 'test' | 'validation') : usage('--split must be test or validation'),
    ...(values.lr === undefined ? {} : { lr: numFlag(values, 'lr')! }),
  };
  await initNodeBackend();
  const dataset = task === 'glyphs' ? await loadGlyphsFromDisk() : undefined;
  const main = await evalBundle(values.bundle as string, task, o, dataset);
  // The baseline runs the same episodes with the same number of steps as the main bundle.
  const base = typeof values.baseline === 'string' ? await evalBundle(values.baseline, task, { ...o, steps: main.r.steps }, dataset) : undefined;
  if (typeof values.plot === 'string') await writeAtomic(values.plot, plot(main, base));
  if (values.json) {
    // ci95 is null when one episode cannot give an interval (0 would claim an exact mean).
    const ci = <T extends { ci95: number }>(x: T) => (main.r.episodes >= 2 ? x : { ...x, ci95: null });
    const { perEpisode: _pe, ...r } = main.r;
    const out: Record<string, unknown> = { ...ci(r), ...(main.r.curve ? { curve: main.r.curve.map(ci) } : {}), bundle: main.name, seed: o.seed, split: o.split, ...(o.lr === undefined ? {} : { lr: o.lr }) };
    if (base) {
      const d = compareResults(main.r, base.r);
      out.baseline = { bundle: base.name, mean: base.r.mean, ci95: ci(base.r).ci95, ...(base.r.curve ? { curve: base.r.curve.map(ci) } : {}) };
      // Paired on the same episodes: the interval of the per-episode difference, not of two means.
      out.difference = ci({ mean: d.diff, ci95: d.ci95, paired: d.paired });
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else process.stdout.write(describe(main.name, main.r, base));
  return 0;
}

/** `fewshot eval`: mean ± 95% CI of a bundle on test tasks through adapt/predict. */
export const command: Command = {
  summary: 'evaluate a bundle: mean ± 95% CI over test tasks',
  run,
};
