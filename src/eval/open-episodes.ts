import { adapt } from '../engine/adapt';
import { predict } from '../engine/predict';
import type { Model } from '../engine/model';
import type { ClassPrediction } from '../engine/predict';
import type { ClassificationTask } from '../tasks/types';

/** What one episode says about a setting (steps, lr): accuracy, calibration inputs, open-set distances. */
export interface EpisodeOutcome {
  accuracy: number;
  /** Log-scores of each query at temperature 1 (the logits up to a per-row constant) and its label. */
  logits: Float32Array[];
  labels: number[];
  /** Nearest-prototype distance of each in-set query, and of each out-of-set one. */
  distances: number[];
  outlierDistances: number[];
  loss: { before: number; after: number };
}

const rows = (x: Float32Array, n: number): number[][] => {
  const w = x.length / n;
  return Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * w, (i + 1) * w)));
};

/**
 * Splits a 2N-way episode into an N-way task (labels < N) and out-of-set queries (the other N
 * classes' queries; labels are shuffled per episode, so which classes those are is random). Adapts
 * on the task's support set and predicts every query, through the public adapt/predict.
 */
export function openEpisode(model: Model, task: ClassificationTask, ways: number, opts: { steps?: number; lr?: number }): EpisodeOutcome {
  const s = rows(task.support.x, task.support.n);
  const q = rows(task.query.x, task.query.n);
  const keepS = Array.from(task.support.y).map((y, i) => [y, i] as const).filter(([y]) => y < ways);
  const inQ = Array.from(task.query.y).map((y, i) => [y, i] as const).filter(([y]) => y < ways);
  const outQ = Array.from(task.query.y).map((y, i) => [y, i] as const).filter(([y]) => y >= ways);
  const adapted = adapt(model, { inputs: keepS.map(([, i]) => s[i]!), labels: keepS.map(([y]) => y) }, opts);
  const preds = predict(model, adapted.head, inQ.map(([, i]) => q[i]!), { unknownDistance: Infinity }) as ClassPrediction[];
  const outs = outQ.length ? (predict(model, adapted.head, outQ.map(([, i]) => q[i]!), { unknownDistance: Infinity }) as ClassPrediction[]) : [];
  const order = adapted.head.labels.map(String);
  let correct = 0;
  const logits: Float32Array[] = [];
  preds.forEach((p, j) => {
    if (p.label === inQ[j]![0]) correct++;
    logits.push(Float32Array.from(order, (l) => Math.log(Math.max(p.scores[l]!, 1e-38))));
  });
  return {
    accuracy: correct / preds.length,
    logits,
    labels: inQ.map(([y]) => order.indexOf(String(y))),
    distances: preds.map((p) => p.distance ?? NaN),
    outlierDistances: outs.map((p) => p.distance ?? NaN),
    loss: adapted.loss,
  };
}

export interface OpenRunOptions {
  ways: number;
  shots: number;
  queries: number;
  episodes: number;
  steps?: number;
  lr?: number;
  onEpisode?: (i: number) => void;
}

/** Outcomes of `episodes` draws of a 2N-way source (see `openEpisode`). */
export function openRun(model: Model, source: { next(): { kind: string } }, o: OpenRunOptions): EpisodeOutcome[] {
  const out: EpisodeOutcome[] = [];
  for (let i = 0; i < o.episodes; i++) {
    const t = source.next() as ClassificationTask;
    if (t.kind !== 'classification') throw new Error('open-set episodes need classification tasks');
    out.push(openEpisode(model, t, o.ways, { ...(o.steps === undefined ? {} : { steps: o.steps }), ...(o.lr === undefined ? {} : { lr: o.lr }) }));
    o.onEpisode?.(i + 1);
  }
  return out;
}
