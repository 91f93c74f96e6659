import { classificationAccuracies } from './classification';
import { regressionCurves } from './regression';
import { meanCi95 } from './stats';
import type { Model } from '../engine/model';
import type { TaskSource } from '../tasks/types';

/** The documented result of `fewshot eval --json` (mean/ci95 at the final step; the curve for regression). */
export interface EvalResult {
  task: string;
  ways: number;
  shots: number;
  steps: number;
  episodes: number;
  metric: 'accuracy' | 'mse';
  mean: number;
  ci95: number;
  curve?: { step: number; mean: number; ci95: number }[];
  /** The metric of each episode (task), in draw order: two results on the same seeded episodes compare paired. */
  perEpisode?: number[];
}

export interface EvalOptions {
  task: string;
  ways: number;
  shots: number;
  steps: number;
  episodes: number;
  lr?: number;
  onEpisode?: (i: number) => void;
}

/** Mean ± CI per step over per-task curves [task][step]. */
export function curveStats(curves: readonly number[][]): { step: number; mean: number; ci95: number }[] {
  const steps = curves[0]?.length ?? 0;
  return Array.from({ length: steps }, (_, s) => ({ step: s, ...meanCi95(curves.map((c) => c[s]!)) }));
}

/** Evaluates a model on `episodes` tasks of a source through adapt/predict: accuracy or MSE after 0..steps steps. */
export function evaluate(model: Model, source: TaskSource, o: EvalOptions): EvalResult {
  const base = { task: o.task, ways: o.ways, shots: o.shots, steps: o.steps, episodes: o.episodes };
  if (model.spec.task === 'regression') {
    const curve = curveStats(regressionCurves(model, source, o.episodes, o.steps, o.lr, o.onEpisode));
    const last = curve.at(-1)!;
    return { ...base, metric: 'mse', mean: last.mean, ci95: last.ci95, curve };
  }
  const accs = classificationAccuracies(model, source, o.episodes, { steps: o.steps, ...(o.lr === undefined ? {} : { lr: o.lr }) }, o.onEpisode);
  return { ...base, metric: 'accuracy', ...meanCi95(accs), perEpisode: accs };
}

type Compared = { mean: number; ci95: number; perEpisode?: readonly number[] };

/**
 * a − b with the 95% CI of the difference: paired (the CI of the per-episode differences) when both
 * carry per-episode values of the same episodes — far tighter, since the episodes' own difficulty
 * cancels — else as two independent means (√(a² + b²)).
 */
export function compareResults(a: Compared, b: Compared): { diff: number; ci95: number; paired: boolean } {
  if (a.perEpisode && b.perEpisode && a.perEpisode.length === b.perEpisode.length && a.perEpisode.length >= 2) {
    const d = meanCi95(a.perEpisode.map((x, i) => x - b.perEpisode![i]!));
    return { diff: d.mean, ci95: d.ci95, paired: true };
  }
  return { diff: a.mean - b.mean, ci95: Math.sqrt(a.ci95 ** 2 + b.ci95 ** 2), paired: false };
}
