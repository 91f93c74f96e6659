import { adapt } from '../engine/adapt';
import { predict } from '../engine/predict';
import type { Model } from '../engine/model';
import type { ClassificationTask, TaskSource } from '../tasks/types';

const rows = (x: Float32Array, n: number): number[][] => {
  const w = x.length / n;
  return Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * w, (i + 1) * w)));
};

/** Accuracy of one episode through the public path: `adapt` on the support set, `predict` on the queries. */
export function episodeAccuracy(model: Model, task: ClassificationTask, opts: { steps?: number; lr?: number }): number {
  const { head } = adapt(model, { inputs: rows(task.support.x, task.support.n), labels: Array.from(task.support.y) }, opts);
  const preds = predict(model, head, rows(task.query.x, task.query.n));
  let correct = 0;
  preds.forEach((p, i) => {
    if ('label' in p && p.label === task.query.y[i]) correct++;
  });
  return correct / task.query.n;
}

/** Per-episode accuracies over `episodes` draws of a task source. */
export function classificationAccuracies(model: Model, source: TaskSource, episodes: number, opts: { steps?: number; lr?: number }, onEpisode?: (i: number) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < episodes; i++) {
    const t = source.next();
    if (t.kind !== 'classification') throw new Error('classification eval needs classification tasks');
    out.push(episodeAccuracy(model, t, opts));
    onEpisode?.(i + 1);
  }
  return out;
}
