import * as tf from '@tensorflow/tfjs-core';
import { featureScope } from './feature-scope';
import { checkWithHeldOut, guardPlan } from './guard';
import { lookIn, stepFeatures } from './feature-steps';
import { readF32 } from './inner-loop';
import { paramName } from './params';
import { uploadSupport } from './prepared';
import { prototypeHead } from './prototype';
import type { LateBlockKernel } from './late-block-kernel';
import type { LateBlockShape } from './late-fused';
import type { Model } from './model';
import type { ParamMap } from './params';
import { checkInputs } from './validate';
import type { FrozenFeatures, PathResult, Prepared } from './prepared';

/**
 * Scopes 'film' and 'late' at request time: the frozen prefix runs once over the support set, the
 * guard (if the bundle asks for one) decides from the support set alone whether the steps are
 * kept, the one inner loop adapts the scope's params on the cached features, and the head is the
 * prototype head of the adapted features. With `fused`, every run of the steps (the guard's fit
 * half and the kept steps) goes through the fused late-block kernel.
 */
export function runFeatures(model: Model, p: Prepared, fused?: { kernel: LateBlockKernel; shape: LateBlockShape }): PathResult {
  const scope = { ...featureScope(model), ...(fused ? { fused } : {}) };
  const { z, y } = tf.tidy(() => {
    const up = uploadSupport(p, model.inputSize);
    if (p.frozen) return { z: tf.tensor(concat(p.frozen.rows), [p.frozen.rows.length, ...p.frozen.shape]), y: up.y };
    return { z: scope.frozen(tf.reshape(up.x, [-1, ...model.spec.inputShape])), y: up.y };
  });
  try {
    const plan = guardPlan(model.defaults.guard ?? 'off', p);
    const guard = plan.kind === 'check' ? checkWithHeldOut(model, scope, z, y, p, plan.split) : plan.report;
    const steps = guard.verdict === 'kept' ? 0 : p.steps;
    const r = stepFeatures(model, scope, z, y, p, steps);
    const last = model.spec.head.at(-1)!;
    const head = tf.tidy(() => {
      // The fused kernel hands back the adapted features; tfjs runs the tail once more for them.
      if (r.features) return prototypeHead(tf.tensor2d(r.features, [p.support.n, r.features.length / p.support.n]), y as tf.Tensor2D);
      const adapted: ParamMap = Object.fromEntries(scope.names.map((n) => [n, tf.tensor(r.params[n]!.data, r.params[n]!.shape)]));
      return prototypeHead(scope.tail(lookIn(model, adapted), z), y as tf.Tensor2D);
    });
    // Steps the guard refused leave the scope's params as stored: the head carries only the prototype layer.
    const out: PathResult['params'] = guard.verdict === 'kept' ? {} : { ...r.params };
    out[paramName('head', last, 'kernel')] = { shape: [...head.kernel.shape], data: readF32(head.kernel) };
    out[paramName('head', last, 'bias')] = { shape: [...head.bias.shape], data: readF32(head.bias) };
    tf.dispose([head.kernel, head.bias]);
    return { params: out, lossBefore: r.lossBefore, lossAfter: r.lossAfter, stepsUsed: steps, guard };
  } finally {
    tf.dispose([z, y]);
  }
}

function concat(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}

/**
 * The frozen prefix's output for each input (scopes 'film' and 'late'), to pass back to `adapt` as
 * `frozen` later; null for models without a frozen prefix. Rows come out as if the inputs had been
 * part of any support set: the prefix (convolutions, stored batch norms, pooling) treats each alone.
 */
export function frozenFeatures(model: Model, inputs: number[][]): FrozenFeatures | null {
  if (model.defaults.scope !== 'film' && model.defaults.scope !== 'late') return null;
  if (inputs.length === 0) return { shape: [], rows: [] };
  return frozenRows(model, checkInputs(inputs, model.inputSize), inputs.length);
}

/** `frozenFeatures` of n checked inputs x [n, inputSize] (a feature scope's model). */
export function frozenRows(model: Model, x: Float32Array, n: number): FrozenFeatures {
  const scope = featureScope(model);
  const z = tf.tidy(() => scope.frozen(tf.reshape(tf.tensor2d(x, [n, model.inputSize]), [-1, ...model.spec.inputShape])));
  const shape = z.shape.slice(1);
  const all = readF32(z);
  z.dispose();
  const size = all.length / n;
  return { shape, rows: Array.from({ length: n }, (_, i) => all.slice(i * size, (i + 1) * size)) };
}
