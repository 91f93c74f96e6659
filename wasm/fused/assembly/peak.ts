// A tight f32x4 multiply-then-add loop (no FMA: wasm SIMD has none outside relaxed-simd) over
// independent accumulators, so throughput rather than latency bounds it. 12 chains × 4 lanes ×
// 2 FLOP = 96 FLOP per iteration; the bench divides by time to get the machine's SIMD GFLOP/s.

/** FLOPs performed per iteration of peakMulAdd. */
export const PEAK_FLOPS_PER_ITER: i32 = 96;

/** Runs `iters` iterations of a_i = a_i·m + c on 12 f32x4 chains; returns their sum so nothing is dead. */
export function peakMulAdd(iters: i32, m: f32, c: f32): f32 {
  const mv = f32x4.splat(m);
  const cv = f32x4.splat(c);
  let a0 = f32x4(1, 2, 3, 4);
  let a1 = f32x4.add(a0, cv);
  let a2 = f32x4.add(a1, cv);
  let a3 = f32x4.add(a2, cv);
  let a4 = f32x4.add(a3, cv);
  let a5 = f32x4.add(a4, cv);
  let a6 = f32x4.add(a5, cv);
  let a7 = f32x4.add(a6, cv);
  let a8 = f32x4.add(a7, cv);
  let a9 = f32x4.add(a8, cv);
  let a10 = f32x4.add(a9, cv);
  let a11 = f32x4.add(a10, cv);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(f32x4.mul(a0, mv), cv);
    a1 = f32x4.add(f32x4.mul(a1, mv), cv);
    a2 = f32x4.add(f32x4.mul(a2, mv), cv);
    a3 = f32x4.add(f32x4.mul(a3, mv), cv);
    a4 = f32x4.add(f32x4.mul(a4, mv), cv);
    a5 = f32x4.add(f32x4.mul(a5, mv), cv);
    a6 = f32x4.add(f32x4.mul(a6, mv), cv);
    a7 = f32x4.add(f32x4.mul(a7, mv), cv);
    a8 = f32x4.add(f32x4.mul(a8, mv), cv);
    a9 = f32x4.add(f32x4.mul(a9, mv), cv);
    a10 = f32x4.add(f32x4.mul(a10, mv), cv);
    a11 = f32x4.add(f32x4.mul(a11, mv), cv);
  }
  let s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  s = f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
