// dL/dθ of the late block from DF = dL/dfeatures. Only each window's argmax carries a gradient (and
// only where the relu is active), so the kernel gradient is one scaled receptive field per (example,
// window, channel): a run of kw·cip contiguous floats per kernel row, accumulated with f32x4 into a
// channels-in-innermost buffer (DKT) and transposed into the packed kernel layout once per step.
import { lat, LN, LCO, LKH, LKW, CIP, COP, WP, WIN, KSZ, NP } from './late-plan';
import { L_FEAT, L_XAT, L_ARG, L_DF, L_GRAD, L_DKT, L_SC, L_ZP, L_MEAN } from './late-plan';

/** Fills GRAD [np] (packed like THETA) with dL/d(kernel, bias, gamma, beta). */
export function backward(): void {
  const grad = lat(L_GRAD);
  const dkt = lat(L_DKT);
  const feat = lat(L_FEAT);
  const xat = lat(L_XAT);
  const arg = lat(L_ARG);
  const df = lat(L_DF);
  const zp = lat(L_ZP);
  const sc = lat(L_SC);
  memory.fill(grad, 0, <usize>NP << 2);
  memory.fill(dkt, 0, <usize>KSZ << 2);
  const gBias = grad + (<usize>KSZ << 2);
  const gGamma = gBias + (<usize>COP << 2);
  const gBeta = gGamma + (<usize>COP << 2);
  const run = LKW * CIP;
  const zRow = <usize>(WP * CIP) << 2;
  const dRow = <usize>run << 2;
  const dChan = <usize>(LKH * run) << 2;
  // Σ dy·x per channel goes into the gamma slot first; dγ = (Σ dy·x − μ·Σ dy)·r at the end.
  for (let e = 0; e < LN * WIN; e++) {
    const base = <usize>(e * COP) << 2;
    for (let c = 0; c < LCO; c++) {
      const o = base + (<usize>c << 2);
      // relu'd max: zero means the relu was off at the argmax (or dL/df is exactly zero): no gradient.
      if (load<f32>(feat + o) <= 0) continue;
      const dy = load<f32>(df + o);
      if (dy == 0) continue;
      const co = <usize>c << 2;
      store<f32>(gBeta + co, load<f32>(gBeta + co) + dy);
      store<f32>(gGamma + co, load<f32>(gGamma + co) + dy * load<f32>(xat + o));
      const dx = dy * load<f32>(sc + co);
      store<f32>(gBias + co, load<f32>(gBias + co) + dx);
      const dv = f32x4.splat(dx);
      let z = zp + (<usize>load<i32>(arg + o) << 2);
      let d = dkt + <usize>c * dChan;
      for (let a = 0; a < LKH; a++) {
        for (let v = 0; v < run; v += 4) {
          const q = <usize>v << 2;
          v128.store(d + q, f32x4.add(v128.load(d + q), f32x4.mul(dv, v128.load(z + q))));
        }
        z += zRow;
        d += dRow;
      }
    }
  }
  const mean = lat(L_MEAN);
  const r = sc + (<usize>(2 * COP) << 2);
  for (let c = 0; c < LCO; c++) {
    const co = <usize>c << 2;
    const dscale = load<f32>(gGamma + co) - load<f32>(mean + co) * load<f32>(gBeta + co);
    store<f32>(gGamma + co, dscale * load<f32>(r + co));
  }
  // DKT [cop][kh·kw][cip] → GRAD [kh·kw][cip][cop].
  const taps = LKH * LKW;
  for (let c = 0; c < LCO; c++) {
    for (let t = 0; t < taps; t++) {
      const from = dkt + ((<usize>((c * taps + t) * CIP)) << 2);
      const to = grad + ((<usize>(t * CIP * COP + c)) << 2);
      for (let ci = 0; ci < CIP; ci++) store<f32>(to + ((<usize>(ci * COP)) << 2), load<f32>(from + (<usize>ci << 2)));
    }
  }
}
