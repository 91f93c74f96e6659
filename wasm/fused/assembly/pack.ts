// Moves the caller's row-major arrays into the SIMD-friendly layout and back. Padding columns are
// zero in XP and WT, so they contribute nothing to dot products and get zero gradients.
import { at, N, D, K, DP, SLOT_X, SLOT_XP, SLOT_W, SLOT_WT, SLOT_B, SLOT_LABELS } from './plan';

/** Copies X [n,d] into XP [n,dp], zero-filling the padding columns. */
export function packX(): void {
  const src = at(SLOT_X);
  const dst = at(SLOT_XP);
  const row = <usize>D << 2;
  const pad = <usize>(DP - D) << 2;
  const stride = <usize>DP << 2;
  for (let i = 0; i < N; i++) {
    memory.copy(dst + <usize>i * stride, src + <usize>i * row, row);
    if (pad) memory.fill(dst + <usize>i * stride + row, 0, pad);
  }
}

/** Transposes a [d,k] matrix at slot `from` into [k,dp] at slot `to`, zero-filling the padding. */
export function transposeIn(from: i32, to: i32): void {
  const src = at(from);
  const dst = at(to);
  memory.fill(dst, 0, (<usize>K * <usize>DP) << 2);
  for (let a = 0; a < D; a++) {
    for (let j = 0; j < K; j++) {
      store<f32>(dst + ((<usize>j * <usize>DP + <usize>a) << 2), load<f32>(src + ((<usize>a * <usize>K + <usize>j) << 2)));
    }
  }
}

/** Writes WT [k,dp] back to W [d,k] for the caller. */
export function transposeOut(): void {
  const src = at(SLOT_WT);
  const dst = at(SLOT_W);
  for (let a = 0; a < D; a++) {
    for (let j = 0; j < K; j++) {
      store<f32>(dst + ((<usize>a * <usize>K + <usize>j) << 2), load<f32>(src + ((<usize>j * <usize>DP + <usize>a) << 2)));
    }
  }
}

/**
 * Prototype init (Proto-MAML): p_c = mean of the rows labelled c, W[:,c] = 2·p_c, b[c] = -‖p_c‖².
 * Class sums accumulate in WT and counts in b, both rewritten in place. The caller guarantees every
 * class has at least one row.
 */
export function loadPrototypes(): void {
  const xp = at(SLOT_XP);
  const wt = at(SLOT_WT);
  const b = at(SLOT_B);
  const labels = at(SLOT_LABELS);
  const stride = <usize>DP << 2;
  const vecs = DP >> 2;
  memory.fill(wt, 0, <usize>K * stride);
  memory.fill(b, 0, <usize>K << 2);
  for (let i = 0; i < N; i++) {
    const c = <usize>load<i32>(labels + (<usize>i << 2));
    const row = wt + c * stride;
    const x = xp + <usize>i * stride;
    for (let v = 0; v < vecs; v++) {
      const o = <usize>v << 4;
      v128.store(row + o, f32x4.add(v128.load(row + o), v128.load(x + o)));
    }
    store<f32>(b + (c << 2), load<f32>(b + (c << 2)) + 1);
  }
  for (let j = 0; j < K; j++) {
    const row = wt + <usize>j * stride;
    const inv = f32x4.splat(<f32>1 / load<f32>(b + (<usize>j << 2)));
    const two = f32x4.splat(2);
    let sq = f32x4.splat(0);
    for (let v = 0; v < vecs; v++) {
      const o = <usize>v << 4;
      const p = f32x4.mul(v128.load(row + o), inv);
      sq = f32x4.add(sq, f32x4.mul(p, p));
      v128.store(row + o, f32x4.mul(p, two));
    }
    const norm2 = f32x4.extract_lane(sq, 0) + f32x4.extract_lane(sq, 1) + (f32x4.extract_lane(sq, 2) + f32x4.extract_lane(sq, 3));
    store<f32>(b + (<usize>j << 2), -norm2);
  }
}
