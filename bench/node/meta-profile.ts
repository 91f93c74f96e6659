// Meta-training speed (Node, wasm backend): one outer iteration of a training configuration split
// into its phases — batch (JS task sampling + upload), algorithm step (forward, inner loop, outer
// gradient), Adam — with wall time per phase and the tfjs kernels each phase dispatches.
import * as tf from '@tensorflow/tfjs-core';
import { createAdam } from '../../src/algorithms/adam';
import { loadGlyphsFromDisk } from '../../cli/glyphs-data';
import { setupTraining } from '../../cli/train/setup';
import { disposeBatch } from '../../src/tasks/batch';
import { summarize } from '../suite/stats';
import type { TrainOptions } from '../../cli/train/options';
import type { ParamMap } from '../../src/engine/params';
import type { Stats } from '../suite/stats';

export interface MetaProfile {
  label: string;
  options: Partial<TrainOptions>;
  parameters: number;
  iterations_timed: number;
  ms_per_iteration: Stats;
  phase_ms: { batch: number; step: number; adam: number };
  kernels_per_iteration: number;
  phase_kernels: { batch: number; step: number; adam: number };
  /** The kernels of one iteration by total time (tfjs's profiler, so a bit slower than unprofiled). */
  top_kernels: { name: string; count: number; ms: number }[];
}

const BASE: Omit<TrainOptions, 'task' | 'algo'> = {
  iterations: 1, metaBatch: 25, ways: 1, shots: 10, queries: 10, innerSteps: 1, innerLr: 0.01, outerLr: 1e-3, seed: 1,
  valEvery: 0, valEpisodes: 0, checkpointEvery: 0, filters: 64, deploySteps: 10, deployLr: 0.01, out: '/dev/null',
};

/** The two configurations profiled: the paper's MAML sinusoid and the glyph run being trained (ProtoNet, 20-way 1-shot). */
export const META_CONFIGS: { label: string; options: TrainOptions }[] = [
  { label: 'MAML sinusoid (meta-batch 25, K=10, Q=10, 1 inner step, second order)', options: { ...BASE, task: 'sinusoid', algo: 'maml' } },
  { label: 'ProtoNet glyphs (64 filters, 20-way 1-shot, 9 queries, meta-batch 1)', options: { ...BASE, task: 'glyphs', algo: 'protonet', metaBatch: 1, ways: 20, shots: 1, queries: 9, innerLr: 0.1 } },
];

let runs = 0;

/** Profiles `iterations` outer iterations (after one warm-up) of a configuration. */
export async function profileMeta(label: string, o: TrainOptions, iterations: number): Promise<MetaProfile> {
  const setup = setupTraining(o, o.task === 'glyphs' ? await loadGlyphsFromDisk() : undefined);
  const names = Object.keys(setup.init).sort();
  const trainable = new Set(setup.algorithm.trainable(names));
  const vars: Record<string, tf.Variable> = {};
  const run = ++runs;
  for (const n of names) {
    // tf.variable copies its initial value.
    const init = tf.tensor(setup.init[n]!.data, setup.init[n]!.shape, 'float32');
    vars[n] = tf.variable(init, trainable.has(n), `bench-meta/${run}/${n}`);
    init.dispose();
  }
  const adam = createAdam(o.outerLr);
  let it = 0;
  const phases = { batch: [] as number[], step: [] as number[], adam: [] as number[] };
  const one = (upTo: 'batch' | 'step' | 'adam', record: boolean): void => {
    const t0 = performance.now();
    const batch = setup.batch(it++);
    const t1 = performance.now();
    tf.tidy(() => {
      if (upTo === 'batch') return;
      const { loss, grads } = setup.algorithm.step({ ...vars } as ParamMap, batch);
      loss.dataSync();
      const t2 = performance.now();
      if (upTo === 'adam') adam.apply(vars, Object.fromEntries(Object.entries(grads).filter(([n]) => trainable.has(n))));
      const t3 = performance.now();
      if (record) {
        phases.batch.push(t1 - t0);
        phases.step.push(t2 - t1);
        phases.adam.push(t3 - t2);
      }
    });
    disposeBatch(batch);
  };
  const count = async (upTo: 'batch' | 'step' | 'adam') => (await tf.profile(() => (one(upTo, false), []))).kernels;
  try {
    one('adam', false);
    const totals: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      one('adam', true);
      totals.push(performance.now() - t0);
    }
    const [kb, ks, ka] = [await count('batch'), await count('step'), await count('adam')];
    const freq = new Map<string, { count: number; ms: number }>();
    for (const k of ka) {
      const f = freq.get(k.name) ?? { count: 0, ms: 0 };
      f.count++;
      f.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      freq.set(k.name, f);
    }
    const med = (xs: number[]): number => summarize(xs).p50;
    return {
      label,
      options: { task: o.task, algo: o.algo, metaBatch: o.metaBatch, ways: o.ways, shots: o.shots, queries: o.queries, innerSteps: o.innerSteps, filters: o.task === 'glyphs' ? o.filters : 0 },
      parameters: [...trainable].reduce((a, n) => a + vars[n]!.size, 0),
      iterations_timed: iterations,
      ms_per_iteration: summarize(totals),
      phase_ms: { batch: med(phases.batch), step: med(phases.step), adam: med(phases.adam) },
      kernels_per_iteration: ka.length,
      phase_kernels: { batch: kb.length, step: ks.length - kb.length, adam: ka.length - ks.length },
      top_kernels: [...freq].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8).map(([name, f]) => ({ name, count: f.count, ms: f.ms })),
    };
  } finally {
    tf.dispose(Object.values(vars));
    adam.dispose();
  }
}
