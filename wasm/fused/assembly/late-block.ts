// The whole inner loop of scope 'late' over one conv block in one call: forward (late-forward.ts),
// proto-ce and its feature gradient (late-loss.ts), backward to the block's params (late-backward.ts)
// and the optimizer step (late-update.ts), `steps` times, then the loss of the adapted params (FEAT
// then holds the adapted features, which the caller reads back for the prototype head).
import { lat, LN, L_OUT } from './late-plan';
import { packZ, packTheta, packLrs, unpackTheta, scaleShift, forward } from './late-forward';
import { countClasses, protoCe } from './late-loss';
import { backward } from './late-backward';
import { resetState, update, OPT_SGD, OPT_ADAM } from './late-update';

/**
 * Solves the problem laid out by the last `latePlan` call (inputs already copied to their slots):
 * `optimizer` is OPT_SGD / OPT_MOMENTUM / OPT_ADAM, `perParam` reads lrs from the LR slots instead of
 * the scalar `lr`, `eps` is the batch norm's epsilon. Writes the adapted kernel, bias, gamma, beta and
 * [lossBefore, lossAfter] back to their slots; returns 0, or -1 without a plan or with bad arguments.
 */
export function lateSolve(steps: i32, optimizer: i32, perParam: bool, lr: f32, eps: f32): i32 {
  if (LN <= 0 || steps < 0 || optimizer < OPT_SGD || optimizer > OPT_ADAM) return -1;
  packZ();
  packTheta();
  if (perParam) packLrs();
  countClasses();
  resetState();
  let before: f64 = 0;
  for (let s = 0; s < steps; s++) {
    scaleShift(eps);
    forward();
    const l = protoCe(true, s == 0);
    if (s == 0) before = l;
    backward();
    update(optimizer, s + 1, perParam, lr);
  }
  scaleShift(eps);
  forward();
  const after = protoCe(false, true);
  const out = lat(L_OUT);
  store<f64>(out, steps == 0 ? after : before);
  store<f64>(out, after, 8);
  unpackTheta();
  return 0;
}

/**
 * Features only (FEAT [n, windows·cop]) of the params in their slots, for the problem laid out by
 * the last `latePlan` call: what the guard compares before and after the steps. Returns 0, or -1
 * without a plan.
 */
export function lateFeatures(eps: f32): i32 {
  if (LN <= 0) return -1;
  packZ();
  packTheta();
  scaleShift(eps);
  forward();
  return 0;
}
