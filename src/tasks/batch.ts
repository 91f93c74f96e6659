import * as tf from '@tensorflow/tfjs-core';
import type { Task } from './types';

/** A meta-batch as tensors with a leading task dim: x [B, n, ...inputShape], y [B, n, outputs]. */
export interface TaskBatch {
  kind: Task['kind'];
  /** Classes per task (classification), 1 for regression. */
  outputs: number;
  xs: tf.Tensor;
  ys: tf.Tensor;
  xq: tf.Tensor;
  yq: tf.Tensor;
  /** Dataset class id of each label [B, ways] int32 (classification tasks that carry them). */
  classes?: tf.Tensor2D;
}

function targets(tasks: readonly Task[], side: 'support' | 'query', outputs: number): Float32Array {
  const n = tasks[0]![side].n;
  const out = new Float32Array(tasks.length * n * outputs);
  tasks.forEach((t, b) => {
    const y = t[side].y;
    for (let i = 0; i < n; i++) {
      if (t.kind === 'regression') out[b * n + i] = y[i]!;
      else out[(b * n + i) * outputs + y[i]!] = 1;
    }
  });
  return out;
}

function inputs(tasks: readonly Task[], side: 'support' | 'query'): Float32Array {
  const len = tasks[0]![side].x.length;
  const out = new Float32Array(tasks.length * len);
  tasks.forEach((t, b) => out.set(t[side].x, b * len));
  return out;
}

/** Uploads equally sized tasks as one batch (one-hot labels for classification); caller disposes. */
export function toBatch(tasks: readonly Task[], inputShape: readonly number[]): TaskBatch {
  const first = tasks[0]!;
  const outputs = first.kind === 'classification' ? first.ways : 1;
  const B = tasks.length;
  const up = (side: 'support' | 'query') => {
    const n = first[side].n;
    return [tf.tensor(inputs(tasks, side), [B, n, ...inputShape]), tf.tensor3d(targets(tasks, side, outputs), [B, n, outputs])] as const;
  };
  const [xs, ys] = up('support');
  const [xq, yq] = up('query');
  const ids = tasks.map((t) => (t.kind === 'classification' ? t.classIds : undefined));
  const classes = ids.every((c) => c !== undefined) ? tf.tensor2d(ids.flat() as number[], [B, outputs], 'int32') : undefined;
  return { kind: first.kind, outputs, xs, ys, xq, yq, ...(classes ? { classes } : {}) };
}

/** Frees a batch's tensors. */
export function disposeBatch(b: TaskBatch): void {
  tf.dispose([b.xs, b.ys, b.xq, b.yq, ...(b.classes ? [b.classes] : [])]);
}
