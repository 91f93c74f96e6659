// Memory plan of the late-block kernel: its own offset table and shape globals, over the same arena
// the linear-head plan uses (right after the static data). The two never overlap in time: every
// solve is one synchronous call that lays out its arena first, so the regions are scratch per call.

export const L_Z: i32 = 0; // f32 [n,h,w,cin] frozen prefix output (in)
export const L_LABELS: i32 = 1; // i32 [n]
export const L_KERNEL: i32 = 2; // f32 [kh,kw,cin,co] in, adapted out
export const L_BIAS: i32 = 3; // f32 [co] in/out
export const L_GAMMA: i32 = 4; // f32 [co] in/out
export const L_BETA: i32 = 5; // f32 [co] in/out
export const L_MEAN: i32 = 6; // f32 [co] stored moving mean
export const L_VAR: i32 = 7; // f32 [co] stored moving variance
export const L_LRK: i32 = 8; // f32 [kh,kw,cin,co] per-parameter lrs
export const L_LRB: i32 = 9; // f32 [co]
export const L_LRG: i32 = 10; // f32 [co]
export const L_LRBE: i32 = 11; // f32 [co]
export const L_OUT: i32 = 12; // f64 [2] lossBefore, lossAfter
export const L_ZP: i32 = 13; // f32 [n,hp,wp,cip] z zero-padded in space and to 4 channels
export const L_THETA: i32 = 14; // f32 [np] packed params: kernel [kh,kw,cip,cop], bias, gamma, beta [cop]
export const L_GRAD: i32 = 15; // f32 [np] gradient, same packing
export const L_M: i32 = 16; // f32 [np] momentum buffer / Adam first moment
export const L_V: i32 = 17; // f32 [np] Adam second moment
export const L_LRP: i32 = 18; // f32 [np] per-parameter lrs, same packing
export const L_SC: i32 = 19; // f32 [3,cop] batch-norm scale s, shift t, 1/√(σ²+ε)
export const L_FEAT: i32 = 20; // f32 [n,fd] pooled relu features (fd = windows·cop)
export const L_XAT: i32 = 21; // f32 [n,fd] conv output (pre batch norm) at each window's argmax
export const L_ARG: i32 = 22; // i32 [n,fd] float index into ZP of the argmax's receptive field
export const L_DF: i32 = 23; // f32 [n,fd] dL/dfeatures
export const L_PROTO: i32 = 24; // f32 [k,fd] class means
export const L_DPROTO: i32 = 25; // f32 [k,fd] dL/dprototypes
export const L_LOGIT: i32 = 26; // f32 [n,k] logits, then dL/dlogits
export const L_COUNT: i32 = 27; // f32 [k] examples per class
export const L_DKT: i32 = 28; // f32 [cop,kh,kw,cip] kernel gradient with channels-in innermost
export const L_END: i32 = 29;
const SLOTS: i32 = 30;

const TABLE: usize = memory.data(SLOTS * 4, 16);

export let LN: i32 = 0;
export let LH: i32 = 0;
export let LW: i32 = 0;
export let LCIN: i32 = 0;
export let LCO: i32 = 0;
export let LKH: i32 = 0;
export let LKW: i32 = 0;
export let LPT: i32 = 0;
export let LPL: i32 = 0;
export let LPOOL: i32 = 0;
export let LK: i32 = 0;
/** Channels padded to a multiple of 4 (one f32x4 per 4 channels; padding lanes stay zero). */
export let CIP: i32 = 0;
export let COP: i32 = 0;
/** Padded input height and width. */
export let HP: i32 = 0;
export let WP: i32 = 0;
/** Pool windows per example (rows, columns, total) and the feature width windows·cop. */
export let PH: i32 = 0;
export let PW: i32 = 0;
export let WIN: i32 = 0;
export let FD: i32 = 0;
/** Packed kernel size kh·kw·cip·cop and the whole packed parameter vector (kernel + 3·cop). */
export let KSZ: i32 = 0;
export let NP: i32 = 0;

/** Byte offset stored in slot `s`. */
// @ts-ignore: decorator
@inline export function lat(s: i32): usize {
  return <usize>load<u32>(TABLE + (<usize>s << 2));
}

function put(s: i32, p: u64, bytes: u64): u64 {
  store<u32>(TABLE + (<usize>s << 2), <u32>p);
  return (p + bytes + 15) & ~(<u64>15);
}

/** The late-block offset table's address (30 u32 slots, see L_*). */
export function lateTable(): usize {
  return TABLE;
}

/** Row width of FEAT in floats (windows·cop): JS reads the features back with it. */
export function lateFeatureWidth(): i32 {
  return FD;
}

/**
 * Lays out the arena for one late-block problem and grows memory if needed. Returns 0; -1 for a
 * shape with nothing to compute (non-positive size, or no complete pool window); -2 when memory
 * cannot grow that far.
 */
export function latePlan(n: i32, h: i32, w: i32, cin: i32, co: i32, kh: i32, kw: i32, pt: i32, pb: i32, pl: i32, pr: i32, pool: i32, k: i32): i32 {
  if (n <= 0 || h <= 0 || w <= 0 || cin <= 0 || co <= 0 || kh <= 0 || kw <= 0 || pool <= 0 || k <= 0) return -1;
  if (pt < 0 || pb < 0 || pl < 0 || pr < 0) return -1;
  const hp = <i64>h + pt + pb;
  const wp = <i64>w + pl + pr;
  const ph = (hp - kh + 1) / pool;
  const pw = (wp - kw + 1) / pool;
  if (hp - kh + 1 <= 0 || wp - kw + 1 <= 0 || ph <= 0 || pw <= 0) return -1;
  const cip = (<u64>cin + 3) & ~(<u64>3);
  const cop = (<u64>co + 3) & ~(<u64>3);
  const fd = <u64>ph * <u64>pw * cop;
  const ksz = <u64>kh * <u64>kw * cip * cop;
  const np = ksz + 3 * cop;
  const kraw = <u64>kh * <u64>kw * <u64>cin * <u64>co * 4;
  const c4 = <u64>co * 4;
  let p = (<u64>__heap_base + 15) & ~(<u64>15);
  p = put(L_Z, p, <u64>n * <u64>h * <u64>w * <u64>cin * 4);
  p = put(L_LABELS, p, <u64>n * 4);
  p = put(L_KERNEL, p, kraw);
  p = put(L_BIAS, p, c4);
  p = put(L_GAMMA, p, c4);
  p = put(L_BETA, p, c4);
  p = put(L_MEAN, p, c4);
  p = put(L_VAR, p, c4);
  p = put(L_LRK, p, kraw);
  p = put(L_LRB, p, c4);
  p = put(L_LRG, p, c4);
  p = put(L_LRBE, p, c4);
  p = put(L_OUT, p, 16);
  p = put(L_ZP, p, <u64>n * <u64>hp * <u64>wp * cip * 4);
  p = put(L_THETA, p, np * 4);
  p = put(L_GRAD, p, np * 4);
  p = put(L_M, p, np * 4);
  p = put(L_V, p, np * 4);
  p = put(L_LRP, p, np * 4);
  p = put(L_SC, p, 3 * cop * 4);
  p = put(L_FEAT, p, <u64>n * fd * 4);
  p = put(L_XAT, p, <u64>n * fd * 4);
  p = put(L_ARG, p, <u64>n * fd * 4);
  p = put(L_DF, p, <u64>n * fd * 4);
  p = put(L_PROTO, p, <u64>k * fd * 4);
  p = put(L_DPROTO, p, <u64>k * fd * 4);
  p = put(L_LOGIT, p, <u64>n * <u64>k * 4);
  p = put(L_COUNT, p, <u64>k * 4);
  p = put(L_DKT, p, ksz * 4);
  // ZP offsets are stored as i32 float indices: keep every region well inside 2 GiB.
  if (p >= (<u64>1 << 31)) return -2;
  put(L_END, p, 0);
  const need = <i32>((p + 0xffff) >> 16);
  const have = memory.size();
  if (need > have && memory.grow(need - have) < 0) return -2;
  LN = n;
  LH = h;
  LW = w;
  LCIN = cin;
  LCO = co;
  LKH = kh;
  LKW = kw;
  LPT = pt;
  LPL = pl;
  LPOOL = pool;
  LK = k;
  CIP = <i32>cip;
  COP = <i32>cop;
  HP = <i32>hp;
  WP = <i32>wp;
  PH = <i32>ph;
  PW = <i32>pw;
  WIN = <i32>(ph * pw);
  FD = <i32>fd;
  KSZ = <i32>ksz;
  NP = <i32>np;
  return 0;
}
