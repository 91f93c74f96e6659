// The whole inner loop of a linear head in one call: logits = X·W + b, a softmax-CE or MSE loss,
// its analytic gradient, and plain SGD, `steps` times. Dot products and axpys run on f32x4 over the
// padded feature dimension, four classes at a time; per-example losses are summed in f64.
import { at, N, K, DP, SLOT_XP, SLOT_W, SLOT_WT, SLOT_LRW, SLOT_LRWT, SLOT_B, SLOT_LRB, SLOT_Z, SLOT_LABELS, SLOT_TARGETS, SLOT_OUT } from './plan';
import { packX, transposeIn, loadPrototypes, transposeOut } from './pack';

export const LOSS_SOFTMAX_CE: i32 = 0;
export const LOSS_MSE: i32 = 1;

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Z [n,k] = XP·WTᵀ + b. */
function logits(): void {
  const xp = at(SLOT_XP);
  const wt = at(SLOT_WT);
  const b = at(SLOT_B);
  const z = at(SLOT_Z);
  const stride = <usize>DP << 2;
  const vecs = DP >> 2;
  for (let i = 0; i < N; i++) {
    const x = xp + <usize>i * stride;
    const zi = z + ((<usize>i * <usize>K) << 2);
    let j = 0;
    for (; j + 4 <= K; j += 4) {
      const w0 = wt + <usize>j * stride;
      const w1 = w0 + stride;
      const w2 = w1 + stride;
      const w3 = w2 + stride;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      for (let v = 0; v < vecs; v++) {
        const o = <usize>v << 4;
        const xv = v128.load(x + o);
        a0 = f32x4.add(a0, f32x4.mul(xv, v128.load(w0 + o)));
        a1 = f32x4.add(a1, f32x4.mul(xv, v128.load(w1 + o)));
        a2 = f32x4.add(a2, f32x4.mul(xv, v128.load(w2 + o)));
        a3 = f32x4.add(a3, f32x4.mul(xv, v128.load(w3 + o)));
      }
      const bj = b + (<usize>j << 2);
      const zj = zi + (<usize>j << 2);
      store<f32>(zj, hsum(a0) + load<f32>(bj));
      store<f32>(zj, hsum(a1) + load<f32>(bj, 4), 4);
      store<f32>(zj, hsum(a2) + load<f32>(bj, 8), 8);
      store<f32>(zj, hsum(a3) + load<f32>(bj, 12), 12);
    }
    for (; j < K; j++) {
      const w0 = wt + <usize>j * stride;
      let a0 = f32x4.splat(0);
      for (let v = 0; v < vecs; v++) {
        const o = <usize>v << 4;
        a0 = f32x4.add(a0, f32x4.mul(v128.load(x + o), v128.load(w0 + o)));
      }
      store<f32>(zi + (<usize>j << 2), hsum(a0) + load<f32>(b + (<usize>j << 2)));
    }
  }
}

/**
 * Mean softmax-CE over the rows of Z (NaN unless `wantLoss`: only the first and last values are
 * reported, so the middle steps skip the logs); with `grad`, Z becomes dL/dZ = (softmax - onehot)/n.
 */
function softmaxCe(grad: bool, wantLoss: bool): f64 {
  const z = at(SLOT_Z);
  const labels = at(SLOT_LABELS);
  const invN = <f32>1 / <f32>N;
  let total: f64 = 0;
  for (let i = 0; i < N; i++) {
    const zi = z + ((<usize>i * <usize>K) << 2);
    const y = <usize>load<i32>(labels + (<usize>i << 2));
    let m = load<f32>(zi);
    for (let j = 1; j < K; j++) m = max(m, load<f32>(zi + (<usize>j << 2)));
    const zy = load<f32>(zi + (y << 2));
    let s: f32 = 0;
    if (grad) {
      // Keep each exp in Z: the gradient is exp/s, so every exp is computed once.
      for (let j = 0; j < K; j++) {
        const p = zi + (<usize>j << 2);
        const e = Mathf.exp(load<f32>(p) - m);
        store<f32>(p, e);
        s += e;
      }
      const scale = invN / s;
      for (let j = 0; j < K; j++) {
        const p = zi + (<usize>j << 2);
        store<f32>(p, load<f32>(p) * scale);
      }
      store<f32>(zi + (y << 2), load<f32>(zi + (y << 2)) - invN);
    } else {
      for (let j = 0; j < K; j++) s += Mathf.exp(load<f32>(zi + (<usize>j << 2)) - m);
    }
    // -log softmax_y = log Σ exp(z - m) + m - z_y
    if (wantLoss) total += <f64>Mathf.log(s) + <f64>(m - zy);
  }
  return wantLoss ? total / <f64>N : NaN;
}

/** Mean squared error over all n·k entries of Z; with `grad`, Z becomes 2(Z - T)/(n·k). */
function mse(grad: bool): f64 {
  const z = at(SLOT_Z);
  const t = at(SLOT_TARGETS);
  const count = N * K;
  const scale = <f32>2 / <f32>count;
  let total: f64 = 0;
  for (let e = 0; e < count; e++) {
    const o = <usize>e << 2;
    const r = load<f32>(z + o) - load<f32>(t + o);
    total += <f64>r * <f64>r;
    if (grad) store<f32>(z + o, r * scale);
  }
  return total / <f64>count;
}

/** The lr vector for columns [o, o+16) of class row j: per-parameter, or the scalar broadcast. */
// @ts-ignore: decorator
@inline function lrAt(perParam: bool, lrw: usize, lrv: v128): v128 {
  return perParam ? v128.load(lrw) : lrv;
}

/**
 * One SGD step from G = dL/dZ (in Z): WT_j -= lr ⊙ Σ_i G_ij·XP_i and b_j -= lr ⊙ Σ_i G_ij.
 * The gradient never touches memory: each f32x4 column chunk is summed over the rows in registers
 * and applied at once, which is safe because Z was computed before any weight changed.
 */
function sgdStep(perParam: bool, lr: f32): void {
  const xp = at(SLOT_XP);
  const wt = at(SLOT_WT);
  const lrwt = at(SLOT_LRWT);
  const b = at(SLOT_B);
  const lrb = at(SLOT_LRB);
  const g = at(SLOT_Z);
  const stride = <usize>DP << 2;
  const gRow = <usize>K << 2;
  const vecs = DP >> 2;
  const lrv = f32x4.splat(lr);
  let j = 0;
  for (; j + 4 <= K; j += 4) {
    const gj = g + (<usize>j << 2);
    const w0 = wt + <usize>j * stride;
    const l0 = lrwt + <usize>j * stride;
    for (let v = 0; v < vecs; v++) {
      const o = <usize>v << 4;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let x = xp + o;
      let gi = gj;
      for (let i = 0; i < N; i++) {
        const xv = v128.load(x);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(gi), xv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(gi, 4), xv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(gi, 8), xv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(gi, 12), xv));
        x += stride;
        gi += gRow;
      }
      const w = w0 + o;
      const l = l0 + o;
      v128.store(w, f32x4.sub(v128.load(w), f32x4.mul(lrAt(perParam, l, lrv), a0)));
      v128.store(w + stride, f32x4.sub(v128.load(w + stride), f32x4.mul(lrAt(perParam, l + stride, lrv), a1)));
      v128.store(w + 2 * stride, f32x4.sub(v128.load(w + 2 * stride), f32x4.mul(lrAt(perParam, l + 2 * stride, lrv), a2)));
      v128.store(w + 3 * stride, f32x4.sub(v128.load(w + 3 * stride), f32x4.mul(lrAt(perParam, l + 3 * stride, lrv), a3)));
    }
  }
  for (; j < K; j++) {
    const gj = g + (<usize>j << 2);
    const w0 = wt + <usize>j * stride;
    const l0 = lrwt + <usize>j * stride;
    for (let v = 0; v < vecs; v++) {
      const o = <usize>v << 4;
      let a0 = f32x4.splat(0);
      let x = xp + o;
      let gi = gj;
      for (let i = 0; i < N; i++) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(gi), v128.load(x)));
        x += stride;
        gi += gRow;
      }
      const w = w0 + o;
      v128.store(w, f32x4.sub(v128.load(w), f32x4.mul(lrAt(perParam, l0 + o, lrv), a0)));
    }
  }
  for (let c = 0; c < K; c++) {
    let s: f32 = 0;
    let gi = g + (<usize>c << 2);
    for (let i = 0; i < N; i++) {
      s += load<f32>(gi);
      gi += gRow;
    }
    const bc = b + (<usize>c << 2);
    const lc = perParam ? load<f32>(lrb + (<usize>c << 2)) : lr;
    store<f32>(bc, load<f32>(bc) - lc * s);
  }
}

function lossAt(loss: i32, grad: bool, wantLoss: bool): f64 {
  logits();
  return loss == LOSS_MSE ? mse(grad) : softmaxCe(grad, wantLoss);
}

/**
 * Solves the problem laid out by the last `plan` call: `loss` is LOSS_SOFTMAX_CE or LOSS_MSE,
 * `prototype` selects prototype init (softmax-ce only), `perParam` reads lrs from the LRW/LRB slots
 * instead of the scalar `lr`. Writes W, b and [lossBefore, lossAfter] back to their slots; returns 0,
 * or -1 if no plan is in place or the arguments are out of range.
 */
export function solve(loss: i32, prototype: bool, steps: i32, perParam: bool, lr: f32): i32 {
  if (N <= 0 || steps < 0 || (loss != LOSS_SOFTMAX_CE && loss != LOSS_MSE)) return -1;
  if (prototype && loss != LOSS_SOFTMAX_CE) return -1;
  packX();
  if (prototype) loadPrototypes();
  else transposeIn(SLOT_W, SLOT_WT);
  if (perParam) transposeIn(SLOT_LRW, SLOT_LRWT);
  const out = at(SLOT_OUT);
  let before: f64 = 0;
  for (let s = 0; s < steps; s++) {
    const l = lossAt(loss, true, s == 0);
    if (s == 0) before = l;
    sgdStep(perParam, lr);
  }
  const after = lossAt(loss, false, true);
  store<f64>(out, steps == 0 ? after : before);
  store<f64>(out, after, 8);
  transposeOut();
  return 0;
}
