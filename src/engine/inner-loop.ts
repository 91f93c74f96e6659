import * as tf from '@tensorflow/tfjs-core';
import { lossTensor } from './losses';
import type { NamedTensor } from '../spec/model-spec';
import type { LossKind } from './losses';
import type { ParamMap } from './params';

/** A full forward over a param map (the model's `forward`, or a head-only forward over embeddings). */
export type ForwardFn = (params: ParamMap, x: tf.Tensor) => tf.Tensor;

/** One lr: a number, or a tensor (a learnable scalar, or Meta-SGD's per-element lrs with the param's shape). */
export type InnerLr = number | tf.Tensor;

/** A scalar lr for every adapted param, or one per param name (Meta-SGD). */
export type InnerLrs = InnerLr | Record<string, InnerLr>;

export interface InnerLoopOptions {
  /** First-order MAML: gradients are treated as constants by any outer differentiation. */
  firstOrder?: boolean;
}

const stopGradient = (t: tf.Tensor): tf.Tensor =>
  tf.customGrad((x) => ({ value: tf.clone(x as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) }))(t);

function lrFor(lrs: InnerLrs, name: string): InnerLr {
  if (typeof lrs === 'number' || lrs instanceof tf.Tensor) return lrs;
  const lr = lrs[name];
  if (lr === undefined) throw new Error(`inner loop: no lr for ${name}`);
  return lr;
}

/** One SGD step p ← p − lr ⊙ ∂L/∂p over `names`; returns the new map (others shared) and the loss before the step. */
export function innerStep(
  forward: ForwardFn,
  params: ParamMap,
  names: readonly string[],
  x: tf.Tensor,
  y: tf.Tensor,
  lrs: InnerLrs,
  loss: LossKind,
  opts: InnerLoopOptions = {},
): { params: ParamMap; loss: tf.Scalar } {
  const f = (...values: tf.Tensor[]): tf.Scalar => {
    const p: ParamMap = { ...params };
    names.forEach((n, i) => (p[n] = values[i]!));
    return lossTensor(loss, forward(p, x), y);
  };
  const { value, grads } = tf.valueAndGrads(f)(names.map((n) => params[n]!));
  const next: ParamMap = { ...params };
  names.forEach((n, i) => {
    const g = opts.firstOrder ? stopGradient(grads[i]!) : grads[i]!;
    next[n] = tf.sub(params[n]!, tf.mul(lrFor(lrs, n), g));
  });
  return { params: next, loss: value };
}

/**
 * The inner loop as tensors, with no reads: `steps` SGD steps over `adaptNames`. Every intermediate
 * stays on the tape, so calling this inside `tf.grad` gives second-order MAML (first-order with
 * `firstOrder`). MAML = all trainable names, ANIL = head names, Meta-SGD = a per-name lr map.
 * Tensors it creates belong to the caller's tidy scope.
 */
export function innerLoopTensors(
  forward: ForwardFn,
  params: ParamMap,
  adaptNames: readonly string[],
  x: tf.Tensor,
  y: tf.Tensor,
  steps: number,
  lrs: InnerLrs,
  loss: LossKind,
  opts: InnerLoopOptions = {},
): ParamMap {
  let cur = params;
  for (let s = 0; s < steps; s++) cur = innerStep(forward, cur, adaptNames, x, y, lrs, loss, opts).params;
  return cur;
}

export interface InnerLoopResult {
  /** The adapted params only, read back. */
  params: Record<string, NamedTensor>;
  lossBefore: number;
  lossAfter: number;
}

/** Reads a tensor into an owned Float32Array (cpu's dataSync can return the backend's own storage). */
export function readF32(t: tf.Tensor): Float32Array {
  return new Float32Array(t.dataSync());
}

/** The inner loop at request time: one tidy per step, old params freed as it goes, results read back. */
export function innerLoop(
  forward: ForwardFn,
  params: ParamMap,
  adaptNames: readonly string[],
  x: tf.Tensor,
  y: tf.Tensor,
  steps: number,
  lrs: InnerLrs,
  loss: LossKind,
): InnerLoopResult {
  let cur = params;
  let lossBefore = NaN;
  const release = (m: ParamMap): void => {
    if (m !== params) tf.dispose(adaptNames.map((n) => m[n]!));
  };
  for (let s = 0; s < steps; s++) {
    const r = tf.tidy(() => {
      const step = innerStep(forward, cur, adaptNames, x, y, lrs, loss);
      const adapted: ParamMap = {};
      for (const n of adaptNames) adapted[n] = step.params[n]!;
      return { adapted, value: step.loss };
    });
    if (s === 0) lossBefore = r.value.dataSync()[0]!;
    r.value.dispose();
    release(cur);
    cur = { ...params, ...r.adapted };
  }
  const final = tf.tidy(() => lossTensor(loss, forward(cur, x), y));
  const lossAfter = final.dataSync()[0]!;
  final.dispose();
  const out: Record<string, NamedTensor> = {};
  for (const n of adaptNames) out[n] = { shape: [...cur[n]!.shape], data: readF32(cur[n]!) };
  release(cur);
  return { params: out, lossBefore: steps === 0 ? lossAfter : lossBefore, lossAfter };
}
