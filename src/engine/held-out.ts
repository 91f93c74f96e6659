/** Which support examples the guard's steps see (`fit`) and which judge them (`check`). */
export interface GuardSplit {
  fit: number[];
  check: number[];
}

/**
 * The guard's judgement of one set of features f [n, d] (all support rows): the nearest-centroid
 * cross-entropy and accuracy of the `check` rows against the class means of the `fit` rows, in
 * float64 JS. A few hundred numbers: read back once, this costs less than the ~40 tfjs kernels the
 * same sums take on tensors. Ties in the argmax go to the first class, as tf.argMax's.
 */
export function heldOutScore(f: Float32Array, d: number, labels: ArrayLike<number>, k: number, split: GuardSplit): { loss: number; accuracy: number } {
  const protos = new Float64Array(k * d);
  const count = new Float64Array(k);
  for (const i of split.fit) {
    const c = labels[i]!;
    count[c]!++;
    for (let j = 0; j < d; j++) protos[c * d + j]! += f[i * d + j]!;
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) protos[c * d + j]! /= count[c]!;
  let loss = 0;
  let hits = 0;
  const logits = new Float64Array(k);
  for (const i of split.check) {
    let best = 0;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (f[i * d + j]! - protos[c * d + j]!) ** 2;
      logits[c] = -s;
      if (logits[c]! > logits[best]!) best = c;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logits[c]! - logits[best]!);
    loss += Math.log(sum) + logits[best]! - logits[labels[i]!]!;
    if (best === labels[i]) hits++;
  }
  return { loss: loss / split.check.length, accuracy: hits / split.check.length };
}
