import * as tf from '@tensorflow/tfjs-core';
import { createAdam } from './adam';
import type { ParamMap } from '../engine/params';
import type { NamedTensor } from '../spec/model-spec';
import type { TaskBatch } from '../tasks/batch';
import type { AdamState } from './adam';
import type { MetaAlgorithm } from './types';

/** Where a run stands: every tensor as plain data, the optimizer state, the next iteration. */
export interface TrainSnapshot {
  iteration: number;
  tensors: Record<string, NamedTensor>;
  adam: AdamState;
}

export interface MetaTrainOptions {
  algorithm: MetaAlgorithm;
  /** Initial tensors (model + the algorithm's extras), or a snapshot to resume. */
  start: Record<string, NamedTensor> | TrainSnapshot;
  iterations: number;
  outerLr: number;
  /** The meta-batch of iteration `it`: a function of `it` only, so a resumed run sees the same batches. */
  batch(it: number): TaskBatch;
  /** Called after each iteration with the loss (read back every `lossEvery` iterations, NaN otherwise). */
  onIteration?(it: number, loss: number): void;
  lossEvery?: number;
  /** Periodic hooks get a snapshot (validation, checkpoints); async so they may write files. */
  every?: { n: number; run(s: TrainSnapshot): Promise<void> | void }[];
}

let runCounter = 0;

const read = (t: tf.Tensor): NamedTensor => ({ shape: [...t.shape], data: new Float32Array(t.dataSync()) });

const isSnapshot = (s: MetaTrainOptions['start']): s is TrainSnapshot => typeof (s as TrainSnapshot).iteration === 'number' && 'adam' in s;

/** The shared outer loop: one tidy per iteration (batch → algorithm step → Adam), seeded batches, snapshots. */
export async function metaTrain(opts: MetaTrainOptions): Promise<TrainSnapshot> {
  const snap = isSnapshot(opts.start) ? opts.start : undefined;
  const tensors = snap ? snap.tensors : (opts.start as Record<string, NamedTensor>);
  const names = Object.keys(tensors).sort();
  const trainable = new Set(opts.algorithm.trainable(names));
  const vars: Record<string, tf.Variable> = {};
  for (const n of names) {
    const init = tf.tensor(tensors[n]!.data, tensors[n]!.shape, 'float32');
    vars[n] = tf.variable(init, trainable.has(n), `meta/${n}/${++runCounter}`);
    init.dispose();
  }
  const adam = createAdam(opts.outerLr, snap?.adam);
  let it = snap?.iteration ?? 0;
  const snapshot = (): TrainSnapshot => ({ iteration: it, tensors: Object.fromEntries(names.map((n) => [n, read(vars[n]!)])), adam: adam.state() });
  try {
    for (; it < opts.iterations; ) {
      const lossT = tf.tidy(() => {
        const batch = opts.batch(it);
        const params: ParamMap = { ...vars };
        const { loss, grads } = opts.algorithm.step(params, batch);
        const kept: Record<string, tf.Tensor> = {};
        for (const [n, g] of Object.entries(grads)) if (trainable.has(n)) kept[n] = g;
        adam.apply(vars, kept);
        return loss;
      });
      it++;
      const every = opts.lossEvery ?? 1;
      const loss = it % every === 0 || it === opts.iterations ? lossT.dataSync()[0]! : NaN;
      lossT.dispose();
      opts.onIteration?.(it, loss);
      for (const h of opts.every ?? []) if (h.n > 0 && it % h.n === 0 && it < opts.iterations) await h.run(snapshot());
    }
    return snapshot();
  } finally {
    tf.dispose(Object.values(vars));
    adam.dispose();
  }
}
