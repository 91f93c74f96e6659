import { availableParallelism } from 'node:os';
import { basename, extname } from 'node:path';
import { UsageError } from '../bundle/cli-io';
import { intFlag, numFlag } from '../usage';
import { ALGO_NAMES } from '../../src/algorithms/types';
import { TASK_NAMES } from '../../src/tasks/registry';
import type { AlgoName } from '../../src/algorithms/types';
import type { TaskName } from '../../src/tasks/registry';
import type { Flag, Usage } from '../usage';

/** Everything a training run is a function of (recorded in the checkpoint sidecar and the provenance). */
export interface TrainOptions {
  task: TaskName;
  algo: AlgoName;
  iterations: number;
  metaBatch: number;
  ways: number;
  shots: number;
  queries: number;
  innerSteps: number;
  innerLr: number;
  outerLr: number;
  seed: number;
  valEvery: number;
  valEpisodes: number;
  checkpointEvery: number;
  /** Conv filters per layer (glyphs). */
  filters: number;
  /** Steps and lr written as the bundle's adaptation defaults. */
  deploySteps: number;
  deployLr: number;
  out: string;
  resume?: string;
  name?: string;
  /** Glyph training episodes drawn in hand-drawing styles (src/data/style.ts): 'mixed' = a third each of plain, per-episode and per-image. */
  augment?: 'none' | 'image' | 'episode' | 'mixed';
}

type Tunable = Exclude<keyof TrainOptions, 'task' | 'algo' | 'out' | 'seed' | 'resume' | 'name' | 'iterations' | 'augment'>;

const DEFAULTS: Record<TaskName, Record<Tunable, number>> = {
  sinusoid: { metaBatch: 25, ways: 1, shots: 10, queries: 10, innerSteps: 1, innerLr: 0.01, outerLr: 1e-3, valEvery: 5000, valEpisodes: 100, checkpointEvery: 10000, filters: 0, deploySteps: 10, deployLr: 0.01 },
  glyphs: { metaBatch: 4, ways: 5, shots: 1, queries: 15, innerSteps: 1, innerLr: 0.1, outerLr: 1e-3, valEvery: 500, valEpisodes: 100, checkpointEvery: 500, filters: 64, deploySteps: 10, deployLr: 0.1 },
};

/** A numeric flag: the option it sets, its lower bound (integers) or sign (numbers), and its help line. */
interface NumericFlag {
  key: Tunable | 'iterations' | 'seed';
  integer: boolean;
  /** Integers: the smallest allowed value. Numbers: 1 = must be > 0, 0 = ≥ 0. */
  min: 0 | 1;
  arg: string;
  help: string;
}

const NUMERIC: Record<string, NumericFlag> = {
  iterations: { key: 'iterations', integer: true, min: 1, arg: 'N', help: 'outer iterations to reach (with --resume: the total, counted from 0)' },
  'meta-batch': { key: 'metaBatch', integer: true, min: 1, arg: 'B', help: 'tasks per outer iteration' },
  ways: { key: 'ways', integer: true, min: 1, arg: 'N', help: 'classes per training episode (glyphs, ≥ 2)' },
  shots: { key: 'shots', integer: true, min: 1, arg: 'K', help: 'support examples per class (sinusoid: points)' },
  queries: { key: 'queries', integer: true, min: 1, arg: 'Q', help: 'query examples per class' },
  'inner-steps': { key: 'innerSteps', integer: true, min: 0, arg: 'S', help: 'inner-loop steps while training' },
  'inner-lr': { key: 'innerLr', integer: false, min: 0, arg: 'X', help: 'inner-loop lr while training (also the deploy lr unless --deploy-lr)' },
  'outer-lr': { key: 'outerLr', integer: false, min: 1, arg: 'X', help: 'Adam lr of the outer loop' },
  seed: { key: 'seed', integer: true, min: 0, arg: 'S', help: 'seed of the initial weights and of every batch' },
  'val-every': { key: 'valEvery', integer: true, min: 0, arg: 'N', help: 'validate every N iterations (0: only at the end)' },
  'val-episodes': { key: 'valEpisodes', integer: true, min: 0, arg: 'N', help: 'validation episodes (0: no validation)' },
  'checkpoint-every': { key: 'checkpointEvery', integer: true, min: 0, arg: 'N', help: 'write OUT.ckpt every N iterations and at the end (0: never)' },
  filters: { key: 'filters', integer: true, min: 1, arg: 'F', help: 'conv filters per layer (glyphs)' },
  'deploy-steps': { key: 'deploySteps', integer: true, min: 0, arg: 'S', help: "adaptation steps written as the bundle's default" },
  'deploy-lr': { key: 'deployLr', integer: false, min: 1, arg: 'X', help: "adaptation lr written as the bundle's default" },
};

const shownDefault = (key: NumericFlag['key']): string | undefined => {
  if (key === 'iterations') return undefined;
  if (key === 'seed') return '1';
  const [s, g] = [DEFAULTS.sinusoid[key], DEFAULTS.glyphs[key]];
  if (key === 'filters') return `${g} (glyphs)`;
  if (key === 'ways') return `${g} (glyphs)`;
  if (key === 'deployLr') return 'the --inner-lr';
  return s === g ? String(s) : `sinusoid ${s}, glyphs ${g}`;
};

const STRING_FLAGS: Record<string, Flag> = {
  task: { type: 'string', arg: TASK_NAMES.join('|'), help: 'task family', required: true },
  algo: { type: 'string', arg: ALGO_NAMES.join('|'), help: 'meta-learning algorithm (transfer: pre-train on all tasks jointly)', required: true },
};

/** `fewshot train`'s flags, usage line and help, all from the tables above. */
export const TRAIN_USAGE: Usage = {
  command: 'fewshot train',
  summary:
    'Meta-train (or pre-train) a bundle: progress on stderr, periodic validation and checkpoints, resumable.\n' +
    '--iterations is required: the run length is the main cost (the sinusoid paper protocol is 70000; the shipped\n' +
    'commands are in bundles/README.md).',
  flags: {
    ...STRING_FLAGS,
    ...Object.fromEntries(Object.entries(NUMERIC).map(([flag, n]) => [flag, { type: 'string', arg: n.arg, help: n.help, ...(flag === 'iterations' ? { required: true } : {}), ...(shownDefault(n.key) ? { default: shownDefault(n.key) } : {}) } satisfies Flag])),
    name: { type: 'string', arg: 'NAME', help: 'bundle name (what the worker serves it as)', default: "the --out file's base name" },
    augment: { type: 'string', arg: 'none|image|episode|mixed', help: 'glyphs: draw training episodes in hand-drawing styles (pen width, slant, rotation, size, offset) per image, one per episode, or a third each of plain/episode/image', default: 'none' },
    threads: { type: 'string', arg: 'N', help: 'XNNPACK threads (the threaded SIMD build); results do not depend on it', default: 'glyphs: every core, at most 4; sinusoid: 1' },
    resume: { type: 'string', arg: 'CKPT', help: "continue from a checkpoint (OUT.ckpt); its task, algo and settings are kept" },
    out: { type: 'string', arg: 'FILE', help: 'the bundle to write', required: true },
  },
};

/** The bundle name when --name is not given: the --out file's base name (`my.fsb` → `my`). */
export const defaultName = (out: string): string => basename(out, extname(out)) || 'bundle';

/** Turns parsed flags into options with the task's defaults (the paper's protocol for the sinusoid). */
export function resolveTrainOptions(values: Record<string, string | boolean | undefined>): TrainOptions {
  const task = values.task as TaskName;
  if (!TASK_NAMES.includes(task)) throw new UsageError(`--task must be one of ${TASK_NAMES.join('|')}`);
  const algo = values.algo as AlgoName;
  if (!ALGO_NAMES.includes(algo)) throw new UsageError(`--algo must be one of ${ALGO_NAMES.join('|')}`);
  if (typeof values.out !== 'string' || !values.out) throw new UsageError('--out FILE is required');
  if (values.iterations === undefined) throw new UsageError('--iterations N is required (the sinusoid paper protocol is 70000; try 1000 for a quick run)');
  const o: TrainOptions = { ...DEFAULTS[task], task, algo, seed: 1, iterations: 0, out: values.out };
  for (const [flag, n] of Object.entries(NUMERIC)) {
    const v = n.integer ? intFlag(values, flag, n.min) : numFlag(values, flag, n.min === 1);
    if (v !== undefined) o[n.key] = v;
  }
  if (values['inner-lr'] !== undefined && values['deploy-lr'] === undefined) o.deployLr = o.innerLr;
  if (task === 'glyphs' && o.ways < 2) throw new UsageError('--ways must be at least 2');
  if (task === 'sinusoid' && values.ways !== undefined) throw new UsageError('--ways applies to glyphs only');
  if (typeof values.resume === 'string') o.resume = values.resume;
  if (typeof values.name === 'string') o.name = values.name;
  if (values.augment !== undefined) {
    const modes = ['none', 'image', 'episode', 'mixed'] as const;
    if (task !== 'glyphs' || !modes.includes(values.augment as (typeof modes)[number])) throw new UsageError(`--augment takes ${modes.join('|')} (glyphs only)`);
    o.augment = values.augment as TrainOptions['augment'];
  }
  return o;
}

/**
 * XNNPACK threads for training (`--threads`; default: every core, at most 4, for the conv body of
 * glyphs; 1 for the sinusoid MLP, whose tiny kernels only pay the threads' hand-off — measured 1.7×
 * slower on 2 threads, docs/benchmarks.md). The kernels split output tiles, not sums, so the thread
 * count does not change a run's result (test/cli/train-threads.test.ts).
 */
export function resolveThreads(value: string | boolean | undefined, task: TaskName = 'glyphs', cores = availableParallelism()): number {
  if (value === undefined) return task === 'sinusoid' ? 1 : Math.max(1, Math.min(4, cores));
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1 || n > 8) throw new UsageError('--threads must be an integer from 1 to 8');
  return n;
}
