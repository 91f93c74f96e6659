/**
 * Scores a user can act on: expected calibration error, temperature fitting, and the ranking quality
 * (AUROC) of the "none of these" score. Plain numbers in, plain numbers out.
 */

/** Expected calibration error: Σ_bins (n_b / n)·|accuracy_b − mean confidence_b| over equal-width bins of confidence. */
export function expectedCalibrationError(confidence: readonly number[], correct: readonly boolean[], bins = 15): number {
  const n = confidence.length;
  const sumConf = new Float64Array(bins);
  const sumAcc = new Float64Array(bins);
  const count = new Float64Array(bins);
  confidence.forEach((c, i) => {
    const b = Math.min(bins - 1, Math.floor(c * bins));
    sumConf[b]! += c;
    sumAcc[b]! += correct[i] ? 1 : 0;
    count[b]!++;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += (count[b]! / n) * Math.abs(sumAcc[b]! / count[b]! - sumConf[b]! / count[b]!);
  return ece;
}

/** Mean negative log-likelihood of the true class with logits divided by `t`. */
export function nll(logits: readonly Float32Array[], labels: readonly number[], t: number): number {
  let total = 0;
  logits.forEach((row, i) => {
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v / t);
    let sum = 0;
    for (const v of row) sum += Math.exp(v / t - max);
    total += max + Math.log(sum) - row[labels[i]!]! / t;
  });
  return total / logits.length;
}

/** The temperature minimising NLL, by golden-section search on log t over [1e-3, 1e4]. */
export function fitTemperature(logits: readonly Float32Array[], labels: readonly number[]): number {
  let lo = Math.log(1e-3);
  let hi = Math.log(1e4);
  const g = (Math.sqrt(5) - 1) / 2;
  const f = (u: number): number => nll(logits, labels, Math.exp(u));
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let i = 0; i < 80; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = f(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Area under the ROC curve: P(score of a positive > score of a negative), ties counting ½ (Mann–Whitney). */
export function auroc(positives: readonly number[], negatives: readonly number[]): number {
  const all = [...positives.map((s) => ({ s, p: 1 })), ...negatives.map((s) => ({ s, p: 0 }))].sort((x, y) => x.s - y.s);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const mid = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k]!.p === 1) rankSum += mid;
    i = j;
  }
  const np = positives.length;
  const nn = negatives.length;
  return (rankSum - (np * (np + 1)) / 2) / (np * nn);
}

/** The q-quantile (linear interpolation) of a sample. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const i = Math.floor(pos);
  return s[i]! + (s[Math.min(i + 1, s.length - 1)]! - s[i]!) * (pos - i);
}
