// The update rules of src/engine/optimizers.ts over the packed parameter vector, in the same f32
// operation order as the tfjs path. The state starts at zero, which gives torch's first step exactly
// (0·0.9 + g = g; 0·β + (1 − β)·g = (1 − β)·g), so no step is special-cased.
import { lat, NP } from './late-plan';
import { L_THETA, L_GRAD, L_M, L_V, L_LRP } from './late-plan';

export const OPT_SGD: i32 = 0;
export const OPT_MOMENTUM: i32 = 1;
export const OPT_ADAM: i32 = 2;

const MOMENTUM: f64 = 0.9;
const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;

/** Zeroes the optimizer state before the first step. */
export function resetState(): void {
  memory.fill(lat(L_M), 0, <usize>NP << 2);
  memory.fill(lat(L_V), 0, <usize>NP << 2);
}

/** Step `t` (1-based) of rule `kind`: θ ← θ − lr ⊙ d(GRAD). */
export function update(kind: i32, t: i32, perParam: bool, lr: f32): void {
  const th = lat(L_THETA);
  const g = lat(L_GRAD);
  const m = lat(L_M);
  const v = lat(L_V);
  const lrp = lat(L_LRP);
  const lrv = f32x4.splat(lr);
  const mom = f32x4.splat(<f32>MOMENTUM);
  const b1 = f32x4.splat(<f32>BETA1);
  const b2 = f32x4.splat(<f32>BETA2);
  const c1m = f32x4.splat(<f32>(1 - BETA1));
  const c2m = f32x4.splat(<f32>(1 - BETA2));
  // torch's order: m / (√v / √(1 − β2ᵗ) + ε), scaled by 1 / (1 − β1ᵗ).
  const bc2 = f32x4.splat(<f32>(1 / Math.sqrt(1 - Math.pow(BETA2, <f64>t))));
  const bc1 = f32x4.splat(<f32>(1 / (1 - Math.pow(BETA1, <f64>t))));
  const eps = f32x4.splat(<f32>EPS);
  for (let e = 0; e < NP; e += 4) {
    const o = <usize>e << 2;
    const ge = v128.load(g + o);
    let dir = ge;
    if (kind == OPT_MOMENTUM) {
      dir = f32x4.add(f32x4.mul(v128.load(m + o), mom), ge);
      v128.store(m + o, dir);
    } else if (kind == OPT_ADAM) {
      const me = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(ge, c1m));
      const ve = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(ge, ge), c2m));
      v128.store(m + o, me);
      v128.store(v + o, ve);
      dir = f32x4.mul(f32x4.div(me, f32x4.add(f32x4.mul(f32x4.sqrt(ve), bc2), eps)), bc1);
    }
    const step = f32x4.mul(perParam ? v128.load(lrp + o) : lrv, dir);
    v128.store(th + o, f32x4.sub(v128.load(th + o), step));
  }
}
