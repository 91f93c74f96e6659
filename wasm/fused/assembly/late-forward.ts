// The late block's forward pass, packed for f32x4: conv2d (stride 1, zero padding) → batch norm with
// stored statistics as x·s + t → relu → p×p max pool, computed only at the conv outputs a pool
// window reads (with floor pooling the last row/column may be dropped: 4 of the 9 outputs of a 3×3).
// Each window keeps, per channel, the relu'd maximum (the feature), the conv output there and where
// its receptive field starts, which is all the backward pass needs.
import { lat, LN, LH, LW, LCIN, LCO, LKH, LKW, LPT, LPL, LPOOL, CIP, COP, HP, WP, PH, PW, WIN, KSZ, NP } from './late-plan';
import { L_Z, L_ZP, L_THETA, L_KERNEL, L_BIAS, L_GAMMA, L_BETA, L_MEAN, L_VAR, L_SC, L_FEAT, L_XAT, L_ARG, L_LRP, L_LRK, L_LRB, L_LRG, L_LRBE } from './late-plan';

/** Copies z [n,h,w,cin] into ZP [n,hp,wp,cip]: zero borders (the conv padding) and zero channel padding. */
export function packZ(): void {
  const src = lat(L_Z);
  const dst = lat(L_ZP);
  memory.fill(dst, 0, (<usize>LN * <usize>HP * <usize>WP * <usize>CIP) << 2);
  const row = <usize>LCIN << 2;
  for (let i = 0; i < LN; i++) {
    for (let y = 0; y < LH; y++) {
      for (let x = 0; x < LW; x++) {
        const from = src + ((((<usize>i * <usize>LH + <usize>y) * <usize>LW + <usize>x) * <usize>LCIN) << 2);
        const to = dst + ((((<usize>i * <usize>HP + <usize>(y + LPT)) * <usize>WP + <usize>(x + LPL)) * <usize>CIP) << 2);
        memory.copy(to, from, row);
      }
    }
  }
}

/**
 * Packs a [kh,kw,cin,co] kernel and three [co] vectors into one [np] vector (kernel [kh,kw,cip,cop],
 * then the vectors at cop each), zero in every padding slot: the params (`toSlot` THETA) or the
 * per-parameter lrs (LRP). One flat vector lets the optimizer run as a single SIMD loop.
 */
export function packParams(kernel: i32, a: i32, b: i32, c: i32, toSlot: i32): void {
  const dst = lat(toSlot);
  memory.fill(dst, 0, <usize>NP << 2);
  const src = lat(kernel);
  const row = <usize>LCO << 2;
  for (let t = 0; t < LKH * LKW; t++) {
    for (let ci = 0; ci < LCIN; ci++) {
      memory.copy(dst + ((<usize>(t * CIP + ci) * <usize>COP) << 2), src + ((<usize>(t * LCIN + ci) * <usize>LCO) << 2), row);
    }
  }
  memory.copy(dst + (<usize>KSZ << 2), lat(a), row);
  memory.copy(dst + (<usize>(KSZ + COP) << 2), lat(b), row);
  memory.copy(dst + (<usize>(KSZ + 2 * COP) << 2), lat(c), row);
}

export function packTheta(): void {
  packParams(L_KERNEL, L_BIAS, L_GAMMA, L_BETA, L_THETA);
}

export function packLrs(): void {
  packParams(L_LRK, L_LRB, L_LRG, L_LRBE, L_LRP);
}

/** Writes the packed params back to the caller's kernel, bias, gamma and beta slots. */
export function unpackTheta(): void {
  const src = lat(L_THETA);
  const dst = lat(L_KERNEL);
  const row = <usize>LCO << 2;
  for (let t = 0; t < LKH * LKW; t++) {
    for (let ci = 0; ci < LCIN; ci++) {
      memory.copy(dst + ((<usize>(t * LCIN + ci) * <usize>LCO) << 2), src + ((<usize>(t * CIP + ci) * <usize>COP) << 2), row);
    }
  }
  memory.copy(lat(L_BIAS), src + (<usize>KSZ << 2), row);
  memory.copy(lat(L_GAMMA), src + (<usize>(KSZ + COP) << 2), row);
  memory.copy(lat(L_BETA), src + (<usize>(KSZ + 2 * COP) << 2), row);
}

/** s = γ·r, t = β − μ·s, r = 1/√(σ² + ε), in the order tfjs computes them (padding lanes: all zero). */
export function scaleShift(eps: f32): void {
  const th = lat(L_THETA);
  const sc = lat(L_SC);
  memory.fill(sc, 0, (<usize>(3 * COP)) << 2);
  const gamma = th + (<usize>(KSZ + COP) << 2);
  const beta = th + (<usize>(KSZ + 2 * COP) << 2);
  const mean = lat(L_MEAN);
  const vari = lat(L_VAR);
  for (let c = 0; c < LCO; c++) {
    const o = <usize>c << 2;
    const r = <f32>1 / Mathf.sqrt(load<f32>(vari + o) + eps);
    const s = load<f32>(gamma + o) * r;
    store<f32>(sc + o, s);
    store<f32>(sc + (<usize>COP << 2) + o, load<f32>(beta + o) - load<f32>(mean + o) * s);
    store<f32>(sc + (<usize>(2 * COP) << 2) + o, r);
  }
}

/**
 * Conv outputs of 16 channels [cb, cb+16) at one position whose receptive field starts at ZP float
 * index `at`, batch-normed, relu'd and max-reduced into the window's state (first strictly greater
 * value wins, as the wasm MaxPoolGrad picks its argmax). `first` initialises the state.
 */
// @ts-ignore: decorator
@inline function conv16(at: i32, cb: i32, state: i32, first: bool): void {
  const zp = lat(L_ZP);
  const th = lat(L_THETA);
  const sc = lat(L_SC);
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  const run = LKW * CIP;
  const zRow = <usize>(WP * CIP) << 2;
  const kRow = <usize>(run * COP) << 2;
  const kStep = <usize>COP << 2;
  let z = zp + (<usize>at << 2);
  let kr = th + (<usize>cb << 2);
  for (let a = 0; a < LKH; a++) {
    let zq = z;
    let kq = kr;
    for (let e = 0; e < run; e++) {
      const zs = v128.load32_splat(zq);
      a0 = f32x4.add(a0, f32x4.mul(zs, v128.load(kq)));
      a1 = f32x4.add(a1, f32x4.mul(zs, v128.load(kq, 16)));
      a2 = f32x4.add(a2, f32x4.mul(zs, v128.load(kq, 32)));
      a3 = f32x4.add(a3, f32x4.mul(zs, v128.load(kq, 48)));
      zq += 4;
      kq += kStep;
    }
    z += zRow;
    kr += kRow;
  }
  const bias = th + (<usize>(KSZ + cb) << 2);
  const s = sc + (<usize>cb << 2);
  const t = s + (<usize>COP << 2);
  const o = <usize>state << 2;
  reduce(f32x4.add(a0, v128.load(bias)), v128.load(s), v128.load(t), at, o, first);
  reduce(f32x4.add(a1, v128.load(bias, 16)), v128.load(s, 16), v128.load(t, 16), at, o + 16, first);
  reduce(f32x4.add(a2, v128.load(bias, 32)), v128.load(s, 32), v128.load(t, 32), at, o + 32, first);
  reduce(f32x4.add(a3, v128.load(bias, 48)), v128.load(s, 48), v128.load(t, 48), at, o + 48, first);
}

/**
 * conv16 at two horizontally adjacent positions (`at` and the next column) at once: each kernel
 * row loaded once feeds both, which halves the loads per multiply-add (8 accumulators, 4 kernel
 * vectors and 2 splats stay in registers). The second position folds into `state2` (the same
 * window's state inside a pool window; the next window's when the pool is 1×1).
 */
// @ts-ignore: decorator
@inline function conv16x2(at: i32, cb: i32, state: i32, first: bool, state2: i32, first2: bool): void {
  const zp = lat(L_ZP);
  const th = lat(L_THETA);
  const sc = lat(L_SC);
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  let b2 = f32x4.splat(0);
  let b3 = f32x4.splat(0);
  const run = LKW * CIP;
  const zRow = <usize>(WP * CIP) << 2;
  const kRow = <usize>(run * COP) << 2;
  const kStep = <usize>COP << 2;
  const next = <usize>CIP << 2;
  let z = zp + (<usize>at << 2);
  let kr = th + (<usize>cb << 2);
  for (let a = 0; a < LKH; a++) {
    let zq = z;
    let kq = kr;
    for (let e = 0; e < run; e++) {
      const za = v128.load32_splat(zq);
      const zb = v128.load32_splat(zq + next);
      const k0 = v128.load(kq);
      const k1 = v128.load(kq, 16);
      const k2 = v128.load(kq, 32);
      const k3 = v128.load(kq, 48);
      a0 = f32x4.add(a0, f32x4.mul(za, k0));
      a1 = f32x4.add(a1, f32x4.mul(za, k1));
      a2 = f32x4.add(a2, f32x4.mul(za, k2));
      a3 = f32x4.add(a3, f32x4.mul(za, k3));
      b0 = f32x4.add(b0, f32x4.mul(zb, k0));
      b1 = f32x4.add(b1, f32x4.mul(zb, k1));
      b2 = f32x4.add(b2, f32x4.mul(zb, k2));
      b3 = f32x4.add(b3, f32x4.mul(zb, k3));
      zq += 4;
      kq += kStep;
    }
    z += zRow;
    kr += kRow;
  }
  const bias = th + (<usize>(KSZ + cb) << 2);
  const s = sc + (<usize>cb << 2);
  const t = s + (<usize>COP << 2);
  const o = <usize>state << 2;
  const o2 = <usize>state2 << 2;
  const at2 = at + CIP;
  reduce(f32x4.add(a0, v128.load(bias)), v128.load(s), v128.load(t), at, o, first);
  reduce(f32x4.add(a1, v128.load(bias, 16)), v128.load(s, 16), v128.load(t, 16), at, o + 16, first);
  reduce(f32x4.add(a2, v128.load(bias, 32)), v128.load(s, 32), v128.load(t, 32), at, o + 32, first);
  reduce(f32x4.add(a3, v128.load(bias, 48)), v128.load(s, 48), v128.load(t, 48), at, o + 48, first);
  reduce(f32x4.add(b0, v128.load(bias)), v128.load(s), v128.load(t), at2, o2, first2);
  reduce(f32x4.add(b1, v128.load(bias, 16)), v128.load(s, 16), v128.load(t, 16), at2, o2 + 16, first2);
  reduce(f32x4.add(b2, v128.load(bias, 32)), v128.load(s, 32), v128.load(t, 32), at2, o2 + 32, first2);
  reduce(f32x4.add(b3, v128.load(bias, 48)), v128.load(s, 48), v128.load(t, 48), at2, o2 + 48, first2);
}

/** The same for 4 channels [cb, cb+4) (the remainder when cop is not a multiple of 16). */
// @ts-ignore: decorator
@inline function conv4(at: i32, cb: i32, state: i32, first: bool): void {
  const zp = lat(L_ZP);
  const th = lat(L_THETA);
  const sc = lat(L_SC);
  let a0 = f32x4.splat(0);
  const run = LKW * CIP;
  const zRow = <usize>(WP * CIP) << 2;
  const kRow = <usize>(run * COP) << 2;
  const kStep = <usize>COP << 2;
  let z = zp + (<usize>at << 2);
  let kr = th + (<usize>cb << 2);
  for (let a = 0; a < LKH; a++) {
    let zq = z;
    let kq = kr;
    for (let e = 0; e < run; e++) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(zq), v128.load(kq)));
      zq += 4;
      kq += kStep;
    }
    z += zRow;
    kr += kRow;
  }
  const s = sc + (<usize>cb << 2);
  reduce(f32x4.add(a0, v128.load(th + (<usize>(KSZ + cb) << 2))), v128.load(s), v128.load(s + (<usize>COP << 2)), at, <usize>state << 2, first);
}

/** Folds one position's conv output x into the window state at byte offset `o` of FEAT/XAT/ARG. */
// @ts-ignore: decorator
@inline function reduce(x: v128, s: v128, t: v128, at: i32, o: usize, first: bool): void {
  const feat = lat(L_FEAT) + o;
  const xat = lat(L_XAT) + o;
  const arg = lat(L_ARG) + o;
  const r = f32x4.max(f32x4.add(f32x4.mul(x, s), t), f32x4.splat(0));
  if (first) {
    v128.store(feat, r);
    v128.store(xat, x);
    v128.store(arg, i32x4.splat(at));
    return;
  }
  const gt = f32x4.gt(r, v128.load(feat));
  v128.store(feat, v128.bitselect(r, v128.load(feat), gt));
  v128.store(xat, v128.bitselect(x, v128.load(xat), gt));
  v128.store(arg, v128.bitselect(i32x4.splat(at), v128.load(arg), gt));
}

/** Features FEAT [n, windows·cop] of the current params (scaleShift first), with XAT and ARG for backward. */
export function forward(): void {
  if (LPOOL == 1) {
    forwardUnpooled();
    return;
  }
  const blocks16 = COP >> 4;
  for (let i = 0; i < LN; i++) {
    for (let wdx = 0; wdx < WIN; wdx++) {
      const wy = wdx / PW;
      const wx = wdx - wy * PW;
      const state = (i * WIN + wdx) * COP;
      // Positions in row-major window order (the argmax tie rule depends on it): pairs along a row.
      for (let dy = 0; dy < LPOOL; dy++) {
        let dx = 0;
        for (; dx + 2 <= LPOOL; dx += 2) {
          const at = ((i * HP + wy * LPOOL + dy) * WP + wx * LPOOL + dx) * CIP;
          const first = dy == 0 && dx == 0;
          let cb = 0;
          for (let b = 0; b < blocks16; b++, cb += 16) conv16x2(at, cb, state + cb, first, state + cb, false);
          for (; cb < COP; cb += 4) {
            conv4(at, cb, state + cb, first);
            conv4(at + CIP, cb, state + cb, false);
          }
        }
        for (; dx < LPOOL; dx++) {
          const first = dy == 0 && dx == 0;
          const at = ((i * HP + wy * LPOOL + dy) * WP + wx * LPOOL + dx) * CIP;
          let cb = 0;
          for (let b = 0; b < blocks16; b++, cb += 16) conv16(at, cb, state + cb, first);
          for (; cb < COP; cb += 4) conv4(at, cb, state + cb, first);
        }
      }
    }
  }
}

/**
 * `forward` for a 1×1 pool (every position its own feature): the pairs run across windows, two
 * neighbours in a row at once, so the paired loads pay off here too.
 */
function forwardUnpooled(): void {
  const blocks16 = COP >> 4;
  for (let i = 0; i < LN; i++) {
    for (let wy = 0; wy < PH; wy++) {
      let wx = 0;
      for (; wx + 2 <= PW; wx += 2) {
        const at = ((i * HP + wy) * WP + wx) * CIP;
        const state = (i * WIN + wy * PW + wx) * COP;
        let cb = 0;
        for (let b = 0; b < blocks16; b++, cb += 16) conv16x2(at, cb, state + cb, true, state + COP + cb, true);
        for (; cb < COP; cb += 4) {
          conv4(at, cb, state + cb, true);
          conv4(at + CIP, cb, state + COP + cb, true);
        }
      }
      for (; wx < PW; wx++) {
        const at = ((i * HP + wy) * WP + wx) * CIP;
        const state = (i * WIN + wy * PW + wx) * COP;
        let cb = 0;
        for (let b = 0; b < blocks16; b++, cb += 16) conv16(at, cb, state + cb, true);
        for (; cb < COP; cb += 4) conv4(at, cb, state + cb, true);
      }
    }
  }
}
