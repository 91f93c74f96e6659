import { BundleError } from './errors';

/**
 * Affine int8 quantization, per tensor (channels = 1) or per channel along the last axis:
 *   s = fround(max(hi − lo, 2⁻¹¹⁸) / 255) with lo = min(0, min x), hi = max(0, max x)
 *   z = clamp(round(−128 − lo / s), −128, 127)
 *   q = clamp(round(x / s) + z, −128, 127),   x' = fround((q − z) · s)
 * Zero is represented exactly (q = z), and for every x of the channel (tested):
 *   |x − x'| ≤ s · (0.5 + 2⁻¹⁵) + 2⁻²⁴ · |x|
 */
export interface Int8Quantized {
  data: Int8Array;
  /** One scale (float32 value) per channel. */
  scale: number[];
  /** One zero point in [−128, 127] per channel. */
  zeroPoint: number[];
}

/** Quantizes `values` whose last axis has `channels` entries (1 = one scale for the whole tensor). */
export function quantizeInt8(values: Float32Array, channels = 1): Int8Quantized {
  if (!Number.isInteger(channels) || channels < 1 || values.length % channels !== 0) {
    throw new BundleError('bad_input', `cannot split ${values.length} values into ${channels} channels`);
  }
  const lo = new Float64Array(channels);
  const hi = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) throw new BundleError('non_finite', `value ${x} at index ${i} is not finite`);
    const c = i % channels;
    if (x < lo[c]!) lo[c] = x;
    if (x > hi[c]!) hi[c] = x;
  }
  const scale: number[] = [];
  const zeroPoint: number[] = [];
  for (let c = 0; c < channels; c++) {
    // The floor keeps s a normal float32 and x/s finite even for an all-zero (or denormal) channel.
    const s = Math.fround(Math.max(hi[c]! - lo[c]!, 2 ** -118) / 255);
    scale.push(s);
    zeroPoint.push(clamp(Math.round(-128 - lo[c]! / s)));
  }
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = i % channels;
    data[i] = clamp(Math.round(values[i]! / scale[c]!) + zeroPoint[c]!);
  }
  return { data, scale, zeroPoint };
}

/**
 * Quantizes with given scales and zero points (`channels` of each). Values that were dequantized with
 * the same parameters come back as the same codes: x' = (q − z)·s to float32 precision, and
 * round(x'/s) recovers q − z exactly (its error is ≤ 255 · 2⁻²³, far below ½).
 */
export function quantizeInt8With(values: Float32Array, params: { scale: readonly number[]; zeroPoint: readonly number[] }, channels: number): Int8Quantized {
  const { scale, zeroPoint } = params;
  if (scale.length !== channels || zeroPoint.length !== channels || values.length % channels !== 0) {
    throw new BundleError('bad_input', `quantization parameters for ${scale.length} channels do not fit ${values.length} values in ${channels} channels`);
  }
  if (!scale.every((s) => s > 0 && s < Infinity) || !zeroPoint.every((z) => Number.isInteger(z) && z >= -128 && z <= 127)) throw new BundleError('bad_input', 'quantization scales must be positive and finite, zero points integers in [-128, 127]');
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) throw new BundleError('non_finite', `value ${x} at index ${i} is not finite`);
    const c = i % channels;
    data[i] = clamp(Math.round(x / scale[c]!) + zeroPoint[c]!);
  }
  return { data, scale: [...scale], zeroPoint: [...zeroPoint] };
}

/** Expands int8 codes with their per-channel (last axis) scales and zero points. */
export function dequantizeInt8(data: Int8Array, scale: ArrayLike<number>, zeroPoint: ArrayLike<number>): Float32Array {
  const channels = scale.length;
  const out = new Float32Array(data.length);
  if (channels === 1) {
    const s = scale[0]!;
    const z = zeroPoint[0]!;
    for (let i = 0; i < data.length; i++) out[i] = (data[i]! - z) * s;
    return out;
  }
  for (let row = 0; row < data.length; row += channels) {
    for (let c = 0; c < channels; c++) out[row + c] = (data[row + c]! - zeroPoint[c]!) * scale[c]!;
  }
  return out;
}

/** The stated bound for value x quantized with scale s. */
export function int8ErrorBound(x: number, s: number): number {
  return s * (0.5 + 2 ** -15) + 2 ** -24 * Math.abs(x);
}

function clamp(q: number): number {
  return q < -128 ? -128 : q > 127 ? 127 : q;
}
