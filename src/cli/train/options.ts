import { availableParallelism } from 'node:os';
import { UsageError } from '../bundle/cli-io';
import { ALGO_NAMES } from '../../algorithms/types';
import { TASK_NAMES } from '../../tasks/registry';
import type { AlgoName } from '../../algorithms/types';
import type { TaskName } from '../../tasks/registry';

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

const DEFAULTS: Record<TaskName, Omit<TrainOptions, 'task' | 'algo' | 'out' | 'seed' | 'resume' | 'name'>> = {
  sinusoid: { iterations: 70000, metaBatch: 25, ways: 1, shots: 10, queries: 10, innerSteps: 1, innerLr: 0.01, outerLr: 1e-3, valEvery: 5000, valEpisodes: 100, checkpointEvery: 10000, filters: 0, deploySteps: 10, deployLr: 0.01 },
  glyphs: { iterations: 2000, metaBatch: 4, ways: 5, shots: 1, queries: 15, innerSteps: 1, innerLr: 0.1, outerLr: 1e-3, valEvery: 500, valEpisodes: 100, checkpointEvery: 500, filters: 64, deploySteps: 10, deployLr: 0.1 },
};

const FLAGS: Record<string, keyof TrainOptions> = {
  iterations: 'iterations', 'meta-batch': 'metaBatch', ways: 'ways', shots: 'shots', queries: 'queries', 'inner-steps': 'innerSteps',
  'inner-lr': 'innerLr', 'outer-lr': 'outerLr', seed: 'seed', 'val-every': 'valEvery', 'val-episodes': 'valEpisodes',
  'checkpoint-every': 'checkpointEvery', filters: 'filters', 'deploy-steps': 'deploySteps', 'deploy-lr': 'deployLr',
};
const INTEGER = new Set<keyof TrainOptions>(['iterations', 'metaBatch', 'ways', 'shots', 'queries', 'innerSteps', 'seed', 'valEvery', 'valEpisodes', 'checkpointEvery', 'filters', 'deploySteps']);

/** parseArgs option table of `fewshot train`. */
export const TRAIN_FLAGS = Object.fromEntries([...Object.keys(FLAGS), 'task', 'algo', 'out', 'resume', 'name', 'augment'].map((f) => [f, { type: 'string' as const }]));

/** Turns parsed flags into options with the task's defaults (the paper's protocol for the sinusoid). */
export function resolveTrainOptions(values: Record<string, string | boolean | undefined>): TrainOptions {
  const task = values.task as TaskName;
  if (!TASK_NAMES.includes(task)) throw new UsageError(`--task must be one of ${TASK_NAMES.join('|')}`);
  const algo = values.algo as AlgoName;
  if (!ALGO_NAMES.includes(algo)) throw new UsageError(`--algo must be one of ${ALGO_NAMES.join('|')}`);
  if (typeof values.out !== 'string' || !values.out) throw new UsageError('--out FILE is required');
  const o: TrainOptions = { ...DEFAULTS[task], task, algo, seed: 1, out: values.out };
  for (const [flag, key] of Object.entries(FLAGS)) {
    const v = values[flag];
    if (v === undefined) continue;
    const n = Number(v);
    if (typeof v !== 'string' || !Number.isFinite(n) || (INTEGER.has(key) && !Number.isInteger(n)) || n < 0) throw new UsageError(`--${flag} must be a ${INTEGER.has(key) ? 'non-negative integer' : 'non-negative number'}`);
    (o as unknown as Record<string, number>)[key] = n;
  }
  if (values['inner-lr'] !== undefined && values['deploy-lr'] === undefined) o.deployLr = o.innerLr;
  if (o.iterations < 1 || o.metaBatch < 1 || o.shots < 1) throw new UsageError('--iterations, --meta-batch and --shots must be at least 1');
  if (task === 'glyphs' && o.ways < 2) throw new UsageError('--ways must be at least 2');
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
 * XNNPACK threads for training (`--threads`, default: every core, at most 4). The kernels split
 * output tiles, not sums, so the thread count does not change a run's result (test/cli/train.test.ts).
 */
export function resolveThreads(value: string | boolean | undefined, cores = availableParallelism()): number {
  if (value === undefined) return Math.max(1, Math.min(4, cores));
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1 || n > 8) throw new UsageError('--threads must be an integer from 1 to 8');
  return n;
}
