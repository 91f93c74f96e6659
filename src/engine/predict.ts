import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from './errors';
import { adaptedNames } from './adapted-params';
import { checkInputs } from './validate';
import type { Head } from '../head/head';
import type { AdaptationDefaults } from '../spec/model-spec';
import type { Model } from './model';
import { plural } from '../util/plural';

/**
 * A class prediction: the label and calibrated scores; with a prototype head also the feature
 * distance to the nearest class, and `unknown` (label null) when that distance is over the threshold.
 */
export type ClassPrediction = { label: string | number | null; scores: Record<string, number>; distance?: number; unknown?: boolean };
export type Prediction = ClassPrediction | { value: number } | { values: number[] };

export interface PredictOptions {
  /** Overrides the model's `unknownDistance` for this call (prototype heads). */
  unknownDistance?: number;
}

/** The shape a head param must have: the stored one, or for a 'ways' layer [features, classes] / [classes]. */
function expectedShape(model: Model, head: Head, name: string): number[] | undefined {
  const last = model.spec.head.at(-1)!;
  if (last.kind === 'dense' && last.units === 'ways' && name.startsWith(`head/${last.name}/`)) {
    const k = head.labels.length;
    return name.endsWith('/kernel') ? [model.lastLayerInputSize, k] : [k];
  }
  return model.params[name]?.shape;
}

function checkHead(model: Model, head: Head): void {
  if (head.modelId !== model.id) throw new EngineError('head_mismatch', `the head was adapted for model ${head.modelId}, not ${model.id}`);
  if (head.task !== model.spec.task) throw new EngineError('head_mismatch', `a ${head.task} head for a ${model.spec.task} model`);
  const last = model.spec.head.at(-1)!;
  if (last.kind === 'dense' && last.units === 'ways') {
    for (const p of ['kernel', 'bias']) {
      if (!head.params[`head/${last.name}/${p}`]) throw new EngineError('head_mismatch', `the head lacks head/${last.name}/${p}`);
    }
  }
  const allowed = new Set(adaptedNames(model.spec, head.scope));
  for (const [name, t] of Object.entries(head.params)) {
    const want = expectedShape(model, head, name);
    const same = want !== undefined && want.length === t.shape.length && want.every((d, i) => d === t.shape[i]);
    if (!allowed.has(name) || !same) throw new EngineError('head_mismatch', `head param ${name} ${JSON.stringify(t.shape)} does not fit this model`);
  }
}

function classify(out: Float32Array, n: number, k: number, labels: (string | number)[], temperature: number): ClassPrediction[] {
  const preds: ClassPrediction[] = [];
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * k, (i + 1) * k);
    let best = 0;
    for (let c = 1; c < k; c++) if (row[c]! > row[best]!) best = c;
    const exps = Array.from(row, (v) => Math.exp((v - row[best]!) / temperature));
    const total = exps.reduce((a, b) => a + b, 0);
    const scores: Record<string, number> = {};
    labels.forEach((l, c) => (scores[String(l)] = exps[c]! / total));
    preds.push({ label: labels[best]!, scores });
  }
  return preds;
}

/** Prototype logits are ‖g‖² − ‖g − p_c‖²: the nearest prototype's distance is √(‖g‖² − max logit). */
function nearestDistances(norms: ArrayLike<number>, logits: Float32Array, k: number): Float32Array {
  return Float32Array.from(norms, (g, i) => {
    let best = -Infinity;
    for (let c = 0; c < k; c++) best = Math.max(best, logits[i * k + c]!);
    return Math.sqrt(Math.max(0, g - best));
  });
}

/** Whether each of n rows of x spans less than `min` (max − min): the model's "shows nothing" rule. */
function lowContrast(x: Float32Array, n: number, min: number): boolean[] {
  const d = x.length / n;
  return Array.from({ length: n }, (_, i) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i * d; j < (i + 1) * d; j++) {
      lo = Math.min(lo, x[j]!);
      hi = Math.max(hi, x[j]!);
    }
    return hi - lo < min;
  });
}

/** The "none of these" distance for a head adapted on `shots` examples per class (model defaults). */
export function unknownThreshold(d: AdaptationDefaults, shots: number | undefined): number | undefined {
  const table = d.unknownDistances;
  if (shots === undefined || !table?.length) return d.unknownDistance;
  return (table.filter((e) => e.shots <= shots).at(-1) ?? table[0]!).distance;
}

/**
 * Predicts with an adapted head: calibrated probabilities per label (classification; with a prototype
 * head also the nearest-prototype distance and "none of these") or values (regression).
 */
export function predict(model: Model, head: Head, inputs: number[][], opts: PredictOptions = {}): Prediction[] {
  checkHead(model, head);
  const x = checkInputs(inputs, model.inputSize);
  const n = inputs.length;
  if (n === 0) return [];
  const prototype = model.spec.task === 'classification' && model.defaults.headInit === 'prototype';
  const threshold = opts.unknownDistance ?? unknownThreshold(model.defaults, head.shots);
  // The head's tensors (uploaded, its blocks folded) come from the model's head cache: a head the
  // model predicted with lately is not uploaded or folded again. Each output is read back once.
  const { k, values, distances } = model.heads.withHead(head, (h) =>
    tf.tidy(() => {
      const xt = tf.tensor2d(x, [n, model.inputSize]);
      if (!prototype) {
        const o = model.forward(h.params, xt, h.forward);
        return { k: o.shape[1]!, values: o.dataSync() as Float32Array, distances: undefined };
      }
      // One body pass: the last layer's input gives both the logits and the feature norms.
      const g = model.lastLayerInput(h.params, xt, h.forward);
      const o = model.forwardLast(h.params, g, h.forward);
      const norms = tf.sum(tf.square(g), 1).dataSync();
      const logits = o.dataSync() as Float32Array;
      return { k: o.shape[1]!, values: logits, distances: nearestDistances(norms, logits, o.shape[1]!) };
    }),
  );
  if (model.spec.task === 'classification') {
    if (k !== head.labels.length) throw new EngineError('head_mismatch', `the head outputs ${plural(k, 'score')} for ${plural(head.labels.length, 'label')}`);
    const preds = classify(values, n, k, head.labels, model.defaults.temperature ?? 1);
    if (distances) {
      const flat = model.defaults.minContrast === undefined ? undefined : lowContrast(x, n, model.defaults.minContrast);
      preds.forEach((p, i) => {
        p.distance = distances[i]!;
        if (threshold !== undefined || flat) {
          p.unknown = (threshold !== undefined && distances[i]! > threshold) || flat?.[i] === true;
          if (p.unknown) p.label = null;
        }
      });
    }
    return preds;
  }
  return Array.from({ length: n }, (_, i) => (k === 1 ? { value: values[i]! } : { values: Array.from(values.subarray(i * k, (i + 1) * k)) }));
}
