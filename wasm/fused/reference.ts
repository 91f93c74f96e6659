// The contract of src/engine/linear-head-kernel.ts written out plainly in float64: the oracle the
// fused kernel is tested against. Slow on purpose (no layout tricks), so it is easy to check by eye.
import type { LinearHeadProblem, LinearHeadSolution } from '../../src/engine/linear-head-kernel';

interface Head {
  w: Float64Array; // [d,k]
  b: Float64Array; // [k]
}

function logits(p: LinearHeadProblem, h: Head): Float64Array {
  const z = new Float64Array(p.n * p.k);
  for (let i = 0; i < p.n; i++) {
    for (let j = 0; j < p.k; j++) {
      let s = h.b[j]!;
      for (let a = 0; a < p.d; a++) s += p.x[i * p.d + a]! * h.w[a * p.k + j]!;
      z[i * p.k + j] = s;
    }
  }
  return z;
}

/** Loss at (W,b) and dL/dlogits. */
function lossAndGrad(p: LinearHeadProblem, h: Head): { loss: number; g: Float64Array } {
  const z = logits(p, h);
  const g = new Float64Array(p.n * p.k);
  let loss = 0;
  if (p.loss === 'mse') {
    const count = p.n * p.k;
    for (let e = 0; e < count; e++) {
      const r = z[e]! - p.targets![e]!;
      loss += r * r;
      g[e] = (2 * r) / count;
    }
    return { loss: loss / count, g };
  }
  for (let i = 0; i < p.n; i++) {
    const row = Array.from(z.subarray(i * p.k, (i + 1) * p.k));
    const m = Math.max(...row);
    const s = row.reduce((acc, v) => acc + Math.exp(v - m), 0);
    const y = p.labels![i]!;
    loss += Math.log(s) + m - row[y]!;
    for (let j = 0; j < p.k; j++) g[i * p.k + j] = (Math.exp(row[j]! - m) / s - (j === y ? 1 : 0)) / p.n;
  }
  return { loss: loss / p.n, g };
}

function prototypes(p: LinearHeadProblem): Head {
  const w = new Float64Array(p.d * p.k);
  const b = new Float64Array(p.k);
  for (let c = 0; c < p.k; c++) {
    const mean = new Float64Array(p.d);
    let count = 0;
    for (let i = 0; i < p.n; i++) {
      if (p.labels![i] !== c) continue;
      count++;
      for (let a = 0; a < p.d; a++) mean[a]! += p.x[i * p.d + a]!;
    }
    let norm2 = 0;
    for (let a = 0; a < p.d; a++) {
      const v = mean[a]! / count;
      w[a * p.k + c] = 2 * v;
      norm2 += v * v;
    }
    b[c] = -norm2;
  }
  return { w, b };
}

/** Solves a linear-head problem in float64 exactly as the contract states (the test oracle). */
export function solveLinearHeadReference(p: LinearHeadProblem): LinearHeadSolution {
  const h: Head = p.init === 'prototype' ? prototypes(p) : { w: Float64Array.from(p.w0!), b: Float64Array.from(p.b0!) };
  const lrW = (e: number): number => (typeof p.lr === 'number' ? p.lr : p.lr.w[e]!);
  const lrB = (j: number): number => (typeof p.lr === 'number' ? p.lr : p.lr.b[j]!);
  let lossBefore = Number.NaN;
  for (let s = 0; s < p.steps; s++) {
    const { loss, g } = lossAndGrad(p, h);
    if (s === 0) lossBefore = loss;
    for (let a = 0; a < p.d; a++) {
      for (let j = 0; j < p.k; j++) {
        let gw = 0;
        for (let i = 0; i < p.n; i++) gw += p.x[i * p.d + a]! * g[i * p.k + j]!;
        h.w[a * p.k + j]! -= lrW(a * p.k + j) * gw;
      }
    }
    for (let j = 0; j < p.k; j++) {
      let gb = 0;
      for (let i = 0; i < p.n; i++) gb += g[i * p.k + j]!;
      h.b[j]! -= lrB(j) * gb;
    }
  }
  const lossAfter = lossAndGrad(p, h).loss;
  return { w: Float32Array.from(h.w), b: Float32Array.from(h.b), lossBefore: p.steps === 0 ? lossAfter : lossBefore, lossAfter };
}
