import { TaskError } from './errors';
import { createGlyphSource } from './glyph-tasks';
import { createSinusoidSource } from './sinusoid';
import type { GlyphDataset } from '../data/glyphs';
import type { TaskSplits } from './types';

export type TaskName = 'sinusoid' | 'glyphs';

export const TASK_NAMES: readonly TaskName[] = ['sinusoid', 'glyphs'];

export interface TaskOptions {
  seed: number;
  shots: number;
  queries: number;
  /** Classes per episode (glyphs). */
  ways?: number;
  /** Required for glyphs (load it with cli/glyphs-data.ts in Node). */
  dataset?: GlyphDataset;
  /** Sinusoid test protocol: evenly spaced query points on the test split (default 100). */
  testQueries?: number;
  /** Glyphs: episodes drawn in hand-drawing styles (src/data/style.ts), every split. */
  style?: 'none' | 'image' | 'episode';
}

/** Offsets keep the three splits' streams distinct for one seed. */
const SPLIT_SEED = { train: 0, validation: 0x5bd1e995, test: 0x27d4eb2f } as const;

/** The train/validation/test task streams of a named distribution, each seeded from `seed`. */
export function getTasks(name: TaskName, opts: TaskOptions): TaskSplits {
  const seedOf = (s: keyof typeof SPLIT_SEED): number => (opts.seed + SPLIT_SEED[s]) >>> 0;
  if (name === 'sinusoid') {
    const base = { shots: opts.shots, queries: opts.queries };
    return {
      name,
      kind: 'regression',
      inputShape: [1],
      train: createSinusoidSource({ ...base, seed: seedOf('train') }),
      validation: createSinusoidSource({ ...base, seed: seedOf('validation'), evenQueries: opts.testQueries ?? 100 }),
      test: createSinusoidSource({ ...base, seed: seedOf('test'), evenQueries: opts.testQueries ?? 100 }),
    };
  }
  if (name === 'glyphs') {
    if (!opts.dataset) throw new TaskError('TASK_NEEDS_DATA', 'the glyphs tasks need the loaded dataset');
    const ep = { ways: opts.ways ?? 5, shots: opts.shots, queries: opts.queries, style: opts.style ?? 'none' };
    return {
      name,
      kind: 'classification',
      inputShape: [opts.dataset.size, opts.dataset.size, 1],
      train: createGlyphSource(opts.dataset, 'train', { ...ep, seed: seedOf('train') }),
      validation: createGlyphSource(opts.dataset, 'validation', { ...ep, seed: seedOf('validation') }),
      test: createGlyphSource(opts.dataset, 'test', { ...ep, seed: seedOf('test') }),
    };
  }
  throw new TaskError('TASK_UNKNOWN', `unknown task ${JSON.stringify(name)}; known: ${TASK_NAMES.join(', ')}`);
}
