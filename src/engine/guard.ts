import * as tf from '@tensorflow/tfjs-core';
import { featuresOf, stepFeatures } from './feature-steps';
import { heldOutScore } from './held-out';
import { plural } from '../util/plural';
import { userLabels } from './views';
import type { AdaptGuard } from '../spec/model-spec';
import type { FeatureScope } from './feature-scope';
import type { GuardReport } from './guard-report';
import type { GuardSplit } from './held-out';
import type { Model } from './model';
import type { Prepared } from './prepared';

export type { GuardReport } from './guard-report';
export type { GuardSplit } from './held-out';

/** How far (nats) the held-out loss may rise before the guard calls the steps harmful, unless the bundle says (defaults.guardLossSlack). */
export const GUARD_LOSS_SLACK = 1;

export type GuardPlan = { kind: 'check'; split: GuardSplit } | { kind: 'decided'; report: GuardReport };

/**
 * The guard's plan from the support set alone. Split-support validation (as PMF picks its lr on
 * pseudo-episodes of the support set): within each class, every other example is held out. With
 * one example in some class there is no within-class held-out signal, and fine-tuning on one
 * example per class can lose (measured in docs/results.md), so the model is kept.
 */
export function guardPlan(mode: AdaptGuard, p: Prepared): GuardPlan {
  if (mode === 'off') return { kind: 'decided', report: { verdict: 'unchecked', reason: 'guard off' } };
  if (p.steps === 0) return { kind: 'decided', report: { verdict: 'unchecked', reason: 'no steps asked for' } };
  // Shifted views (rows after the user's examples) are no held-out evidence: a class they stand in for has one example.
  const byClass = new Map<number, number[]>();
  userLabels(p.support).forEach((c, i) => byClass.set(c, [...(byClass.get(c) ?? []), i]));
  const fewest = Math.min(...[...byClass.values()].map((v) => v.length));
  if (fewest < 2) {
    const views = userLabels(p.support).length < p.support.n ? ' (its prototype averages the example and shifted copies of it)' : '';
    return { kind: 'decided', report: { verdict: 'kept', reason: `a class has one example${views}: nothing to hold out` } };
  }
  const split: GuardSplit = { fit: [], check: [] };
  for (const idx of byClass.values()) idx.forEach((i, j) => (j % 2 === 0 ? split.fit : split.check).push(i));
  return { kind: 'check', split };
}

/**
 * Runs the steps on the fit half and compares the check half's loss against the fit half's
 * prototypes, before and after: the features of every support row (read back once per param set,
 * from the fused kernel when the scope has one) scored in float64 (`heldOutScore`).
 */
export function checkWithHeldOut(model: Model, scope: FeatureScope, z: tf.Tensor, y: tf.Tensor, p: Prepared, split: GuardSplit): GuardReport {
  const [zf, yf] = tf.tidy(() => {
    const fit = tf.tensor1d(split.fit, 'int32');
    return [tf.gather(z, fit), tf.gather(y, fit)];
  });
  try {
    const r = stepFeatures(model, scope, zf, yf, p, p.steps);
    const score = (params?: Parameters<typeof featuresOf>[2]): { loss: number; accuracy: number } => {
      const f = featuresOf(model, scope, params, z);
      return heldOutScore(f, f.length / p.support.n, p.support.labelIdx!, p.k, split);
    };
    const before = score();
    const after = score(r.params);
    // Accuracy decides, with the loss as a brake: on a new domain the held-out loss often rises a little
    // even when the steps pay (right answers more confident, the few wrong ones more so), but steps
    // that blow the features up keep the accuracy of a few held-out examples while the loss explodes.
    // The bundle's allowance: a drop of up to `tolerance` held-out examples (its noise) keeps the steps.
    const tolerance = model.defaults.guardTolerance ?? 0;
    const slack = model.defaults.guardLossSlack ?? GUARD_LOSS_SLACK;
    const lost = Math.round((before.accuracy - after.accuracy) * split.check.length);
    const why =
      lost > tolerance
        ? `the steps lowered the held-out accuracy${tolerance ? ` by ${plural(lost, 'example')} (allowed ${tolerance})` : ''}`
        : after.loss > before.loss + slack
          ? `the steps raised the held-out loss by more than ${plural(slack, 'nat')}`
          : undefined;
    return {
      verdict: why ? 'kept' : 'adapted',
      reason: why ?? (lost > 0 ? `the steps cost ${plural(lost, 'held-out example')}, within the allowance of ${tolerance}, and kept the loss` : 'the steps kept the held-out accuracy (or raised it) and its loss'),
      heldOut: { before: before.loss, after: after.loss, accuracyBefore: before.accuracy, accuracyAfter: after.accuracy },
    };
  } finally {
    tf.dispose([zf, yf]);
  }
}
