// 'proto-ce' over the pooled features and its gradient with respect to them. The prototypes are the
// class means of the same features, so the gradient has two parts: through each feature's own logits
// and through the prototypes (dP routed back to every member of the class, divided by its count).
import { lat, LN, LK, FD } from './late-plan';
import { L_FEAT, L_PROTO, L_DPROTO, L_LOGIT, L_COUNT, L_LABELS, L_DF } from './late-plan';

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

function dot(a: usize, b: usize): f32 {
  let acc = f32x4.splat(0);
  for (let v = 0; v < FD; v += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>v << 2)), v128.load(b + (<usize>v << 2))));
  return hsum(acc);
}

/** dst += g·src over one feature row (FD floats). */
function axpy(dst: usize, g: f32, src: usize): void {
  const gv = f32x4.splat(g);
  for (let v = 0; v < FD; v += 4) {
    const o = <usize>v << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), f32x4.mul(gv, v128.load(src + o))));
  }
}

/** Counts examples per class into COUNT (labels were validated: every class has one). */
export function countClasses(): void {
  const count = lat(L_COUNT);
  const labels = lat(L_LABELS);
  memory.fill(count, 0, <usize>LK << 2);
  for (let i = 0; i < LN; i++) {
    const c = count + (<usize>load<i32>(labels + (<usize>i << 2)) << 2);
    store<f32>(c, load<f32>(c) + 1);
  }
}

/** PROTO [k,fd] = class means of FEAT. */
function prototypes(): void {
  const feat = lat(L_FEAT);
  const proto = lat(L_PROTO);
  const count = lat(L_COUNT);
  const labels = lat(L_LABELS);
  const row = <usize>FD << 2;
  memory.fill(proto, 0, <usize>LK * row);
  for (let i = 0; i < LN; i++) axpy(proto + <usize>load<i32>(labels + (<usize>i << 2)) * row, 1, feat + <usize>i * row);
  for (let c = 0; c < LK; c++) {
    const inv = f32x4.splat(load<f32>(count + (<usize>c << 2)));
    const p = proto + <usize>c * row;
    for (let v = 0; v < FD; v += 4) v128.store(p + (<usize>v << 2), f32x4.div(v128.load(p + (<usize>v << 2)), inv));
  }
}

/**
 * The mean proto-ce loss of the current features (NaN unless `wantLoss`: only the first and last
 * values are reported, so the middle steps skip the logs). With `grad`, DF = dL/dFEAT.
 */
export function protoCe(grad: bool, wantLoss: bool): f64 {
  prototypes();
  const feat = lat(L_FEAT);
  const proto = lat(L_PROTO);
  const logit = lat(L_LOGIT);
  const labels = lat(L_LABELS);
  const row = <usize>FD << 2;
  const invN = <f32>1 / <f32>LN;
  let total: f64 = 0;
  for (let i = 0; i < LN; i++) {
    const f = feat + <usize>i * row;
    const fsq = dot(f, f);
    const li = logit + ((<usize>i * <usize>LK) << 2);
    // −‖f − p‖² = 2 f·p − ‖p‖² − ‖f‖², in the order the tfjs path computes it.
    for (let c = 0; c < LK; c++) {
      const p = proto + <usize>c * row;
      store<f32>(li + (<usize>c << 2), <f32>2 * dot(f, p) - dot(p, p) - fsq);
    }
    const y = <usize>load<i32>(labels + (<usize>i << 2));
    let m = load<f32>(li);
    for (let c = 1; c < LK; c++) m = max(m, load<f32>(li + (<usize>c << 2)));
    const zy = load<f32>(li + (y << 2));
    let s: f32 = 0;
    for (let c = 0; c < LK; c++) {
      const q = li + (<usize>c << 2);
      const e = Mathf.exp(load<f32>(q) - m);
      if (grad) store<f32>(q, e);
      s += e;
    }
    if (wantLoss) total += <f64>Mathf.log(s) + <f64>(m - zy);
    if (grad) {
      const scale = invN / s;
      for (let c = 0; c < LK; c++) {
        const q = li + (<usize>c << 2);
        store<f32>(q, load<f32>(q) * scale);
      }
      store<f32>(li + (y << 2), load<f32>(li + (y << 2)) - invN);
    }
  }
  if (grad) featureGrad();
  return wantLoss ? total / <f64>LN : NaN;
}

/**
 * DF from G = dL/dlogits (in LOGIT): with logits −‖f_i − p_c‖²,
 *   dP_c = 2 Σ_i G_ic f_i − 2 p_c Σ_i G_ic
 *   dF_i = 2 Σ_c G_ic p_c − 2 f_i Σ_c G_ic + dP_{y_i} / count_{y_i}
 */
function featureGrad(): void {
  const feat = lat(L_FEAT);
  const proto = lat(L_PROTO);
  const dproto = lat(L_DPROTO);
  const g = lat(L_LOGIT);
  const df = lat(L_DF);
  const count = lat(L_COUNT);
  const labels = lat(L_LABELS);
  const row = <usize>FD << 2;
  memory.fill(dproto, 0, <usize>LK * row);
  memory.fill(df, 0, <usize>LN * row);
  for (let c = 0; c < LK; c++) {
    const dp = dproto + <usize>c * row;
    let col: f32 = 0;
    for (let i = 0; i < LN; i++) {
      const gic = load<f32>(g + ((<usize>(i * LK + c)) << 2));
      col += gic;
      axpy(dp, <f32>2 * gic, feat + <usize>i * row);
    }
    axpy(dp, <f32>-2 * col, proto + <usize>c * row);
  }
  for (let i = 0; i < LN; i++) {
    const d = df + <usize>i * row;
    let rowSum: f32 = 0;
    for (let c = 0; c < LK; c++) {
      const gic = load<f32>(g + ((<usize>(i * LK + c)) << 2));
      rowSum += gic;
      axpy(d, <f32>2 * gic, proto + <usize>c * row);
    }
    axpy(d, <f32>-2 * rowSum, feat + <usize>i * row);
    const y = load<i32>(labels + (<usize>i << 2));
    axpy(d, <f32>1 / load<f32>(count + (<usize>y << 2)), dproto + <usize>y * row);
  }
}
