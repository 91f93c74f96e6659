import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from './errors';
import { adaptedNames } from './params';
import { checkInputs } from './validate';
import type { Head } from '../head/head';
import type { Model } from './model';
import type { ParamMap } from './params';

export type Prediction = { label: string | number; scores: Record<string, number> } | { value: number } | { values: number[] };

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

function classify(out: Float32Array, n: number, k: number, labels: (string | number)[]): Prediction[] {
  const preds: Prediction[] = [];
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * k, (i + 1) * k);
    let best = 0;
    for (let c = 1; c < k; c++) if (row[c]! > row[best]!) best = c;
    const exps = Array.from(row, (v) => Math.exp(v - row[best]!));
    const total = exps.reduce((a, b) => a + b, 0);
    const scores: Record<string, number> = {};
    labels.forEach((l, c) => (scores[String(l)] = exps[c]! / total));
    preds.push({ label: labels[best]!, scores });
  }
  return preds;
}

/** Predicts with an adapted head: probabilities per label (classification) or values (regression). */
export function predict(model: Model, head: Head, inputs: number[][]): Prediction[] {
  checkHead(model, head);
  const x = checkInputs(inputs, model.inputSize);
  const n = inputs.length;
  if (n === 0) return [];
  const out = tf.tidy(() => {
    const over: ParamMap = {};
    for (const [name, t] of Object.entries(head.params)) over[name] = tf.tensor(t.data, t.shape, 'float32');
    return model.forward(over, tf.tensor2d(x, [n, model.inputSize]));
  });
  const k = out.shape[1]!;
  const data = out.dataSync();
  const values = new Float32Array(data);
  out.dispose();
  if (model.spec.task === 'classification') {
    if (k !== head.labels.length) throw new EngineError('head_mismatch', `the head outputs ${k} scores for ${head.labels.length} labels`);
    return classify(values, n, k, head.labels);
  }
  return Array.from({ length: n }, (_, i) => (k === 1 ? { value: values[i]! } : { values: Array.from(values.subarray(i * k, (i + 1) * k)) }));
}
