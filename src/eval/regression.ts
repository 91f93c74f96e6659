import * as tf from '@tensorflow/tfjs-core';
import { adapt } from '../engine/adapt';
import { EngineError } from '../engine/errors';
import { innerStep } from '../engine/inner-loop';
import { lossTensor } from '../engine/losses';
import { resolveLrs } from '../engine/lrs';
import { adaptedNames } from '../engine/adapted-params';
import { predict } from '../engine/predict';
import type { Model } from '../engine/model';
import type { ParamMap } from '../engine/params';
import type { RegressionTask, TaskSource } from '../tasks/types';

const column = (x: Float32Array): number[][] => Array.from(x, (v) => [v]);

/** Query MSE after `steps` steps through the public path (`adapt` then `predict`): what API users get. */
export function adaptedMse(model: Model, task: RegressionTask, steps: number, lr?: number): number {
  const { head } = adapt(model, { inputs: column(task.support.x), labels: Array.from(task.support.y) }, { steps, ...(lr === undefined ? {} : { lr }) });
  const preds = predict(model, head, column(task.query.x));
  let total = 0;
  preds.forEach((p, i) => (total += (('value' in p ? p.value : NaN) - task.query.y[i]!) ** 2));
  return total / task.query.n;
}

/**
 * Query MSE after 0..steps steps of the engine's inner loop (`innerStep`, the function `adapt`'s
 * autodiff path iterates) with the bundle's scope and lrs: one run per task, read after every step.
 */
export function mseCurve(model: Model, task: RegressionTask, steps: number, lr = model.defaults.lr): number[] {
  const names = adaptedNames(model.spec, model.defaults.scope);
  const shapes = Object.fromEntries(names.map((n) => [n, model.params[n]!.shape]));
  const lrs = resolveLrs(model, shapes, lr);
  const lrT = lrs.kind === 'scalar' ? lrs.lr : Object.fromEntries(names.map((n) => [n, tf.tensor(lrs.lrs[n]!, shapes[n])]));
  const [xs, ys, xq, yq] = [task.support.x, task.support.y, task.query.x, task.query.y].map((a) => tf.tensor2d(a, [a.length, 1]));
  const forward = (p: ParamMap, x: tf.Tensor): tf.Tensor => model.forward(p, x);
  let cur: ParamMap = model.params;
  const curve: number[] = [];
  try {
    for (let s = 0; ; s++) {
      const mse = tf.tidy(() => lossTensor('mse', forward(cur, xq!), yq!));
      curve.push(mse.dataSync()[0]!);
      mse.dispose();
      if (s === steps) break;
      const next = tf.tidy(() => {
        const r = innerStep(forward, cur, names, xs!, ys!, lrT, 'mse');
        return Object.fromEntries(names.map((n) => [n, r.params[n]!]));
      });
      if (cur !== model.params) tf.dispose(names.map((n) => cur[n]!));
      cur = { ...model.params, ...next };
    }
  } finally {
    if (cur !== model.params) tf.dispose(names.map((n) => cur[n]!));
    tf.dispose([xs!, ys!, xq!, yq!, ...(typeof lrT === 'number' ? [] : Object.values(lrT))]);
  }
  return curve;
}

/** Per-task MSE curves over `episodes` tasks; the last point of each comes from `adaptedMse` (the public path). */
export function regressionCurves(model: Model, source: TaskSource, episodes: number, steps: number, lr?: number, onEpisode?: (i: number) => void): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < episodes; i++) {
    const t = source.next();
    if (t.kind !== 'regression') throw new Error('regression eval needs regression tasks');
    const curve = mseCurve(model, t, steps, lr);
    try {
      curve[steps] = adaptedMse(model, t, steps, lr);
    } catch (e) {
      // adapt refuses a diverged head; the curve already holds the (non-finite) loss it reached.
      if (!(e instanceof EngineError && e.code === 'non_finite')) throw e;
    }
    out.push(curve);
    onEpisode?.(i + 1);
  }
  return out;
}
