// The contract of src/engine/late-block-kernel.ts written out plainly in float64: the oracle of the
// fused late-block kernel's gradient (checked against central differences) and of its steps. Slow
// on purpose (no packing, no sparsity tricks beyond the pool's argmax), so it is easy to check by eye.
import { lateGeometry } from './late-validate';
import type { InnerOptimizer } from '../../src/spec/model-spec';
import type { LateBlockProblem, LateBlockSolution } from '../../src/engine/late-block-kernel';

/** The adapted params in float64. */
export interface LateParams {
  kernel: Float64Array;
  bias: Float64Array;
  gamma: Float64Array;
  beta: Float64Array;
}

const NAMES = ['kernel', 'bias', 'gamma', 'beta'] as const;

export function initialParams(p: LateBlockProblem): LateParams {
  return { kernel: Float64Array.from(p.kernel), bias: Float64Array.from(p.bias), gamma: Float64Array.from(p.gamma), beta: Float64Array.from(p.beta) };
}

interface Forward {
  /** Features [n, windows·co]. */
  f: Float64Array;
  d: number;
  /** Per feature: conv output at the argmax, where it is (oy, ox), and whether the relu was on. */
  conv: Float64Array;
  oy: Int32Array;
  ox: Int32Array;
  on: Uint8Array;
  s: Float64Array;
}

function zAt(p: LateBlockProblem, i: number, y: number, x: number, c: number): number {
  if (y < 0 || y >= p.h || x < 0 || x >= p.w) return 0;
  return p.z[((i * p.h + y) * p.w + x) * p.cin + c]!;
}

function convAt(p: LateBlockProblem, th: LateParams, i: number, oy: number, ox: number, c: number): number {
  let v = th.bias[c]!;
  for (let a = 0; a < p.kh; a++) {
    for (let b = 0; b < p.kw; b++) {
      for (let ci = 0; ci < p.cin; ci++) v += zAt(p, i, oy + a - p.pad.top, ox + b - p.pad.left, ci) * th.kernel[((a * p.kw + b) * p.cin + ci) * p.co + c]!;
    }
  }
  return v;
}

/** conv → x·s + t → relu → max pool (first strictly greatest relu value wins), flattened NHWC. */
export function lateForward(p: LateBlockProblem, th: LateParams): Forward {
  const { ph, pw } = lateGeometry(p);
  const d = ph * pw * p.co;
  const s = Float64Array.from(th.gamma, (g, c) => g / Math.sqrt(p.movingVariance[c]! + p.epsilon));
  const t = Float64Array.from(th.beta, (b, c) => b - p.movingMean[c]! * s[c]!);
  const out: Forward = { f: new Float64Array(p.n * d), d, conv: new Float64Array(p.n * d), oy: new Int32Array(p.n * d), ox: new Int32Array(p.n * d), on: new Uint8Array(p.n * d), s };
  for (let i = 0; i < p.n; i++) {
    for (let wy = 0; wy < ph; wy++) {
      for (let wx = 0; wx < pw; wx++) {
        for (let c = 0; c < p.co; c++) {
          const e = i * d + (wy * pw + wx) * p.co + c;
          let best = -Infinity;
          for (let dy = 0; dy < p.pool; dy++) {
            for (let dx = 0; dx < p.pool; dx++) {
              const [oy, ox] = [wy * p.pool + dy, wx * p.pool + dx];
              const x = convAt(p, th, i, oy, ox, c);
              const y = x * s[c]! + t[c]!;
              const r = Math.max(y, 0);
              if (r > best) {
                best = r;
                out.conv[e] = x;
                out.oy[e] = oy;
                out.ox[e] = ox;
                out.on[e] = y > 0 ? 1 : 0;
              }
            }
          }
          out.f[e] = best;
        }
      }
    }
  }
  return out;
}

/** proto-ce of features f [n,d] and dL/df (the full formula, through the prototypes). */
export function protoCeRef(f: Float64Array, d: number, labels: Int32Array, k: number): { loss: number; df: Float64Array } {
  const n = labels.length;
  const count = new Float64Array(k);
  const protos = new Float64Array(k * d);
  labels.forEach((c, i) => {
    count[c]!++;
    for (let j = 0; j < d; j++) protos[c * d + j]! += f[i * d + j]!;
  });
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) protos[c * d + j]! /= count[c]!;
  let loss = 0;
  const g = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const logits = Array.from({ length: k }, (_, c) => {
      let s = 0;
      for (let j = 0; j < d; j++) s -= (f[i * d + j]! - protos[c * d + j]!) ** 2;
      return s;
    });
    const m = Math.max(...logits);
    const sum = logits.reduce((acc, v) => acc + Math.exp(v - m), 0);
    loss += Math.log(sum) + m - logits[labels[i]!]!;
    for (let c = 0; c < k; c++) g[i * k + c] = (Math.exp(logits[c]! - m) / sum - (c === labels[i] ? 1 : 0)) / n;
  }
  // logit_ic = −‖f_i − p_c‖²: ∂/∂f_i = −2(f_i − p_c), ∂/∂p_c = 2(f_i − p_c); p_c = mean of its class.
  const df = new Float64Array(n * d);
  const dp = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        const diff = f[i * d + j]! - protos[c * d + j]!;
        df[i * d + j]! -= 2 * g[i * k + c]! * diff;
        dp[c * d + j]! += 2 * g[i * k + c]! * diff;
      }
    }
  }
  labels.forEach((c, i) => {
    for (let j = 0; j < d; j++) df[i * d + j]! += dp[c * d + j]! / count[c]!;
  });
  return { loss: loss / n, df };
}

/** The loss at `th` and its gradient with respect to every param. */
export function lateLossAndGrad(p: LateBlockProblem, th: LateParams): { loss: number; grad: LateParams } {
  const fw = lateForward(p, th);
  const { loss, df } = protoCeRef(fw.f, fw.d, p.labels, p.k);
  const grad: LateParams = { kernel: new Float64Array(th.kernel.length), bias: new Float64Array(p.co), gamma: new Float64Array(p.co), beta: new Float64Array(p.co) };
  for (let e = 0; e < df.length; e++) {
    if (!fw.on[e]) continue;
    const i = Math.floor(e / fw.d);
    const c = e % p.co;
    const dy = df[e]!;
    grad.beta[c]! += dy;
    grad.gamma[c]! += (dy * (fw.conv[e]! - p.movingMean[c]!)) / Math.sqrt(p.movingVariance[c]! + p.epsilon);
    const dx = dy * fw.s[c]!;
    grad.bias[c]! += dx;
    for (let a = 0; a < p.kh; a++) {
      for (let b = 0; b < p.kw; b++) {
        for (let ci = 0; ci < p.cin; ci++) grad.kernel[((a * p.kw + b) * p.cin + ci) * p.co + c]! += dx * zAt(p, i, fw.oy[e]! + a - p.pad.top, fw.ox[e]! + b - p.pad.left, ci);
      }
    }
  }
  return { loss, grad };
}

/** One rule of src/engine/optimizers.ts in float64 (state starts empty; `t` is 1-based). */
function step(kind: InnerOptimizer, th: LateParams, g: LateParams, m: LateParams, v: LateParams, t: number, lr: (name: (typeof NAMES)[number], e: number) => number): void {
  for (const name of NAMES) {
    for (let e = 0; e < th[name].length; e++) {
      const ge = g[name][e]!;
      let dir = ge;
      if (kind === 'momentum') dir = m[name][e] = (t === 1 ? 0 : m[name][e]! * 0.9) + ge;
      else if (kind === 'adam') {
        const me = (m[name][e] = (t === 1 ? 0 : m[name][e]! * 0.9) + 0.1 * ge);
        const ve = (v[name][e] = (t === 1 ? 0 : v[name][e]! * 0.999) + 0.001 * ge * ge);
        dir = me / (1 - 0.9 ** t) / (Math.sqrt(ve / (1 - 0.999 ** t)) + 1e-8);
      }
      th[name][e]! -= lr(name, e) * dir;
    }
  }
}

/** Solves a late-block problem in float64 exactly as the contract states (the tests' oracle). */
export function solveLateBlockReference(p: LateBlockProblem): LateBlockSolution {
  const th = initialParams(p);
  const zeros = (): LateParams => ({ kernel: new Float64Array(th.kernel.length), bias: new Float64Array(p.co), gamma: new Float64Array(p.co), beta: new Float64Array(p.co) });
  const [m, v] = [zeros(), zeros()];
  const lr = (name: (typeof NAMES)[number], e: number): number => (typeof p.lr === 'number' ? p.lr : p.lr[name][e]!);
  let lossBefore = Number.NaN;
  for (let t = 1; t <= p.steps; t++) {
    const { loss, grad } = lateLossAndGrad(p, th);
    if (t === 1) lossBefore = loss;
    step(p.optimizer, th, grad, m, v, t, lr);
  }
  const fw = lateForward(p, th);
  const lossAfter = protoCeRef(fw.f, fw.d, p.labels, p.k).loss;
  const out = { kernel: Float32Array.from(th.kernel), bias: Float32Array.from(th.bias), gamma: Float32Array.from(th.gamma), beta: Float32Array.from(th.beta) };
  return { ...out, lossBefore: p.steps === 0 ? lossAfter : lossBefore, lossAfter, features: Float32Array.from(fw.f) };
}

/** The loss alone at `th`. */
export function lateForwardLoss(p: LateBlockProblem, th: LateParams): number {
  const fw = lateForward(p, th);
  return protoCeRef(fw.f, fw.d, p.labels, p.k).loss;
}
