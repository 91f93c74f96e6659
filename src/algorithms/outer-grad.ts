import * as tf from '@tensorflow/tfjs-core';
import type { ParamMap } from '../engine/params';
import type { OuterStep } from './types';

/** The meta-loss and its gradient in `names` (the outer differentiation; anything inside stays on the tape). */
export function outerGrad(params: ParamMap, names: readonly string[], metaLoss: (p: ParamMap) => tf.Scalar): OuterStep {
  const f = (...values: tf.Tensor[]): tf.Scalar => {
    const p: ParamMap = { ...params };
    names.forEach((n, i) => (p[n] = values[i]!));
    // 0·Σ keeps every name on the tape (a conv bias cancelled by batch norm has a zero gradient, not none).
    return tf.add(metaLoss(p), tf.mul(0, tf.addN(values.map((v) => tf.sum(v))))) as tf.Scalar;
  };
  const { value, grads } = tf.valueAndGrads(f)(names.map((n) => params[n]!));
  return { loss: value, grads: Object.fromEntries(names.map((n, i) => [n, grads[i]!])) };
}

/** Names that are model weights (not `lr/...` or stored batch-norm statistics). */
export function weightNames(all: readonly string[]): string[] {
  return all.filter((n) => !n.startsWith('lr/') && !/\/moving(Mean|Variance)$/.test(n));
}
