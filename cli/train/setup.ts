import { getAlgorithm } from '../../src/algorithms/registry';
import { glyphSpec, initTensors, sineSpec } from '../../src/algorithms/models';
import { getTasks } from '../../src/tasks/registry';
import { toBatch } from '../../src/tasks/batch';
import type { GlyphDataset } from '../../src/data/glyphs';
import type { MetaAlgorithm } from '../../src/algorithms/types';
import type { ModelSpec, NamedTensor } from '../../src/spec/model-spec';
import type { TaskBatch } from '../../src/tasks/batch';
import type { Task } from '../../src/tasks/types';
import type { TrainOptions } from './options';

/** A per-iteration seed: batches depend on (seed, iteration) only, so a resumed run draws the same ones. */
export function iterationSeed(seed: number, it: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(it + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export interface TrainSetup {
  spec: ModelSpec;
  algorithm: MetaAlgorithm;
  init: Record<string, NamedTensor>;
  batch(it: number): TaskBatch;
}

/** The model, algorithm, seeded initial tensors and batch source of a run. */
export function setupTraining(o: TrainOptions, dataset?: GlyphDataset): TrainSetup {
  const spec = o.task === 'sinusoid' ? sineSpec() : glyphSpec(o.filters);
  const classes = dataset ? dataset.index.classes.length : 0;
  const algorithm = getAlgorithm(o.algo, { spec, innerSteps: o.innerSteps, innerLr: o.innerLr, ways: o.ways }, classes);
  const base = initTensors(spec, o.seed);
  const init = { ...base, ...algorithm.extraInit(base) };
  const batch = (it: number): TaskBatch => {
    const seed = iterationSeed(o.seed, it);
    // 'mixed': a third each of plain episodes, episodes in one hand, and per-image styles.
    const style = o.augment === 'mixed' ? (['none', 'episode', 'image'] as const)[seed % 3] : o.augment;
    const source = getTasks(o.task, { seed, shots: o.shots, queries: o.queries, ways: o.ways, ...(dataset ? { dataset } : {}), ...(style ? { style } : {}) }).train;
    const tasks: Task[] = Array.from({ length: o.metaBatch }, () => source.next());
    return toBatch(tasks, spec.inputShape);
  };
  return { spec, algorithm, init, batch };
}
