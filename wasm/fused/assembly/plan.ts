// Memory plan shared by the JS loader and the solver: one arena right after the static data,
// laid out for the largest problem seen so far and reused by every call (no allocator, no frees).

/** Slot numbers of the offset table; the JS side (wasm/fused/layout.ts) uses the same order. */
export const SLOT_X: i32 = 0; // f32 [n,d] input embeddings, row-major
export const SLOT_LABELS: i32 = 1; // i32 [n] class indices (softmax-ce)
export const SLOT_TARGETS: i32 = 2; // f32 [n,k] targets (mse)
export const SLOT_W: i32 = 3; // f32 [d,k] initial weights in, adapted weights out
export const SLOT_B: i32 = 4; // f32 [k] initial bias in, adapted bias out
export const SLOT_LRW: i32 = 5; // f32 [d,k] per-parameter lrs of W
export const SLOT_LRB: i32 = 6; // f32 [k] per-parameter lrs of b
export const SLOT_OUT: i32 = 7; // f64 [2] lossBefore, lossAfter
export const SLOT_XP: i32 = 8; // f32 [n,dp] embeddings padded to a multiple of 4 columns
export const SLOT_WT: i32 = 9; // f32 [k,dp] W transposed and padded: one SIMD row per class
export const SLOT_LRWT: i32 = 10; // f32 [k,dp] lrW laid out like WT
export const SLOT_Z: i32 = 11; // f32 [n,k] logits, overwritten by dL/dlogits
export const SLOT_END: i32 = 12; // first byte after the arena
const SLOTS: i32 = 13;

const TABLE: usize = memory.data(SLOTS * 4, 16);

export let N: i32 = 0;
export let D: i32 = 0;
export let K: i32 = 0;
/** D rounded up to a multiple of 4: the row stride of XP, WT and LRWT. */
export let DP: i32 = 0;

/** Byte offset stored in slot `s` of the table. */
// @ts-ignore: decorator
@inline export function at(s: i32): usize {
  return <usize>load<u32>(TABLE + (<usize>s << 2));
}

function put(s: i32, p: u64, bytes: u64): u64 {
  store<u32>(TABLE + (<usize>s << 2), <u32>p);
  return (p + bytes + 15) & ~(<u64>15);
}

/** The offset table's address (13 u32 slots, see SLOT_*). */
export function table(): usize {
  return TABLE;
}

/**
 * Lays out the arena for an n×d → k problem and grows memory if it does not fit.
 * Returns 0, or -1 for a non-positive size, -2 when memory cannot grow that far.
 */
export function plan(n: i32, d: i32, k: i32): i32 {
  if (n <= 0 || d <= 0 || k <= 0) return -1;
  const dp = (d + 3) & ~3;
  const nd = <u64>n * <u64>d * 4;
  const nk = <u64>n * <u64>k * 4;
  const dk = <u64>d * <u64>k * 4;
  const kdp = <u64>k * <u64>dp * 4;
  let p = (<u64>__heap_base + 15) & ~(<u64>15);
  p = put(SLOT_X, p, nd);
  p = put(SLOT_LABELS, p, <u64>n * 4);
  p = put(SLOT_TARGETS, p, nk);
  p = put(SLOT_W, p, dk);
  p = put(SLOT_B, p, <u64>k * 4);
  p = put(SLOT_LRW, p, dk);
  p = put(SLOT_LRB, p, <u64>k * 4);
  p = put(SLOT_OUT, p, 16);
  p = put(SLOT_XP, p, <u64>n * <u64>dp * 4);
  p = put(SLOT_WT, p, kdp);
  p = put(SLOT_LRWT, p, kdp);
  p = put(SLOT_Z, p, nk);
  // 4 GiB is the wasm32 ceiling; beyond it offsets would wrap.
  if (p >= (<u64>1 << 32)) return -2;
  put(SLOT_END, p, 0);
  const need = <i32>((p + 0xffff) >> 16);
  const have = memory.size();
  if (need > have && memory.grow(need - have) < 0) return -2;
  N = n;
  D = d;
  K = k;
  DP = dp;
  return 0;
}
