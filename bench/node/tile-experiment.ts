// What replacing tf.tile in the batched MAML step would save: tfjs's Tile gradient is a JS loop (one
// slice + one add per replicate; tf.broadcastTo runs the same Tile kernel), while a broadcasting add
// onto zeros [B, ...shape] differentiates as one Sum (+ reshape). Same gradient values.
import * as tf from '@tensorflow/tfjs-core';
import { summarize } from '../suite/stats';

export interface TileExperiment {
  tasks: number;
  param_shapes: number[][];
  tile: { kernels: number; ms: number };
  broadcast_to: { kernels: number; ms: number };
  add_broadcast: { kernels: number; ms: number };
  max_abs_diff: number;
}

/** Gradient of Σ over per-task copies of the sinusoid MLP's params, through tile vs broadcastTo. */
export async function tileExperiment(tasks = 25, reps = 30): Promise<TileExperiment> {
  const shapes = [[1, 40], [40], [40, 40], [40], [40, 1], [1]];
  const params = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', i + 1));
  const weights = shapes.map((s, i) => tf.randomNormal([tasks, ...s], 0, 1, 'float32', 100 + i));
  const loss = (copy: (p: tf.Tensor) => tf.Tensor) => (...ps: tf.Tensor[]): tf.Scalar => tf.addN(ps.map((p, i) => tf.sum(tf.mul(copy(p), weights[i]!)))) as tf.Scalar;
  const tile = (p: tf.Tensor): tf.Tensor => tf.tile(tf.expandDims(p, 0), [tasks, ...p.shape.map(() => 1)]);
  const bcast = (p: tf.Tensor): tf.Tensor => tf.broadcastTo(tf.expandDims(p, 0), [tasks, ...p.shape]);
  const addB = (p: tf.Tensor): tf.Tensor => tf.add(tf.zeros([tasks, ...p.shape]), p);
  const run = (copy: (p: tf.Tensor) => tf.Tensor) => (): tf.Tensor[] => tf.tidy(() => tf.grads(loss(copy))(params));
  const measure = async (copy: (p: tf.Tensor) => tf.Tensor) => {
    tf.dispose(run(copy)());
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      const g = run(copy)();
      g.forEach((t) => t.dataSync());
      times.push(performance.now() - t0);
      tf.dispose(g);
    }
    const kernels = (await tf.profile(() => (tf.dispose(run(copy)()), []))).kernels.length;
    return { kernels, ms: summarize(times).p50 };
  };
  try {
    const a = run(tile)();
    const b = run(addB)();
    let diff = 0;
    a.forEach((t, i) => (diff = Math.max(diff, tf.tidy(() => tf.max(tf.abs(tf.sub(t, b[i]!))).dataSync()[0]!))));
    tf.dispose([...a, ...b]);
    return { tasks, param_shapes: shapes, tile: await measure(tile), broadcast_to: await measure(bcast), add_broadcast: await measure(addB), max_abs_diff: diff };
  } finally {
    tf.dispose([...params, ...weights]);
  }
}
