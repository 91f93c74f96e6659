import * as tf from '@tensorflow/tfjs-core';
import { lossTensor } from './losses';
import type { NamedTensor } from '../spec/model-spec';
import type { LossKind } from './losses';
import type { ParamMap } from './params';
import { applyUpdate, emptyState, stateTensors } from './optimizers';
import type { InnerOptimizer, OptimizerState } from './optimizers';

/** A full forward over a param map (the model's `forward`, or a head-only forward over embeddings). */
export type ForwardFn = (params: ParamMap, x: tf.Tensor) => tf.Tensor;

/** One lr: a number, or a tensor (a learnable scalar, or Meta-SGD's per-element lrs with the param's shape). */
export type InnerLr = number | tf.Tensor;

/** A scalar lr for every adapted param, or one per param name (Meta-SGD). */
export type InnerLrs = InnerLr | Record<string, InnerLr>;

export interface InnerLoopOptions {
  /** First-order MAML: gradients are treated as constants by any outer differentiation. */
  firstOrder?: boolean;
  /** The update rule (default 'sgd'); momentum's and Adam's state lives for one call of the loop. */
  optimizer?: InnerOptimizer;
}

const stopGradient = (t: tf.Tensor): tf.Tensor =>
  tf.customGrad((x) => ({ value: tf.clone(x as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) }))(t);

function lrFor(lrs: InnerLrs, name: string): InnerLr {
  if (typeof lrs === 'number' || lrs instanceof tf.Tensor) return lrs;
  const lr = lrs[name];
  if (lr === undefined) throw new Error(`inner loop: no lr for ${name}`);
  return lr;
}

/**
 * One step p ← p − lr·d(∂L/∂p) over `names` (d: the optimizer's direction, the gradient itself for
 * SGD); returns the new map (others shared), the optimizer's new state and the loss before the step.
 */
export function innerStep(
  forward: ForwardFn,
  params: ParamMap,
  names: readonly string[],
  x: tf.Tensor,
  y: tf.Tensor,
  lrs: InnerLrs,
  loss: LossKind,
  opts: InnerLoopOptions = {},
  state: OptimizerState = emptyState(),
): { params: ParamMap; loss: tf.Scalar; state: OptimizerState } {
  const f = (...values: tf.Tensor[]): tf.Scalar => {
    const p: ParamMap = { ...params };
    names.forEach((n, i) => (p[n] = values[i]!));
    return lossTensor(loss, forward(p, x), y);
  };
  const { value, grads } = tf.valueAndGrads(f)(names.map((n) => params[n]!));
  const g: ParamMap = {};
  names.forEach((n, i) => (g[n] = opts.firstOrder ? stopGradient(grads[i]!) : grads[i]!));
  const next = applyUpdate(opts.optimizer ?? 'sgd', params, g, names, (n) => lrFor(lrs, n), state);
  return { params: next.params, loss: value, state: next.state };
}

/**
 * The inner loop as tensors, with no reads: `steps` SGD steps over `adaptNames`. Every intermediate
 * stays on the tape, so calling this inside `tf.grad` gives second-order MAML (first-order with
 * `firstOrder`). MAML = all trainable names, ANIL = head names, Meta-SGD = a per-name lr map; the
 * update rule is `opts.optimizer`.
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
  let state = emptyState();
  for (let s = 0; s < steps; s++) ({ params: cur, state } = innerStep(forward, cur, adaptNames, x, y, lrs, loss, opts, state));
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

/** The inner loop at request time: one tidy per step, old params and optimizer state freed as it goes, results read back. */
export function innerLoop(
  forward: ForwardFn,
  params: ParamMap,
  adaptNames: readonly string[],
  x: tf.Tensor,
  y: tf.Tensor,
  steps: number,
  lrs: InnerLrs,
  loss: LossKind,
  opts: Pick<InnerLoopOptions, 'optimizer'> = {},
): InnerLoopResult {
  let cur = params;
  let state = emptyState();
  let lossBefore = NaN;
  const release = (m: ParamMap): void => {
    if (m !== params) tf.dispose(adaptNames.map((n) => m[n]!));
  };
  for (let s = 0; s < steps; s++) {
    const r = tf.tidy(() => {
      const step = innerStep(forward, cur, adaptNames, x, y, lrs, loss, opts, state);
      const adapted: ParamMap = {};
      for (const n of adaptNames) adapted[n] = step.params[n]!;
      return { adapted, value: step.loss, m: step.state.m, v: step.state.v };
    });
    if (s === 0) lossBefore = r.value.dataSync()[0]!;
    r.value.dispose();
    release(cur);
    tf.dispose(stateTensors(state));
    state = { t: state.t + 1, m: r.m, v: r.v };
    cur = { ...params, ...r.adapted };
  }
  tf.dispose(stateTensors(state));
  const final = tf.tidy(() => lossTensor(loss, forward(cur, x), y));
  const lossAfter = final.dataSync()[0]!;
  final.dispose();
  const out: Record<string, NamedTensor> = {};
  for (const n of adaptNames) out[n] = { shape: [...cur[n]!.shape], data: readF32(cur[n]!) };
  release(cur);
  return { params: out, lossBefore: steps === 0 ? lossAfter : lossBefore, lossAfter };
}
