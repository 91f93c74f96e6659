import { BundleError } from './errors';

/**
 * IEEE 754 binary16 conversion, round-to-nearest-even.
 * Bound (tested): |x − dequantizeF16(quantizeF16(x))| ≤ max(2⁻¹¹·|x|, 2⁻²⁵) for |x| ≤ 65504;
 * larger magnitudes and non-finite values are refused rather than turned into ±Infinity.
 */
export const F16_MAX = 65504;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** One float to its binary16 bits; throws on values binary16 cannot hold. */
function toHalfBits(x: number, index: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) throw new BundleError('non_finite', `value ${x} at index ${index} is not finite`);
  const e = exp - 112; // rebias 127 → 15
  if (e <= 0) {
    if (e < -10) return sign;
    const shift = 14 - e;
    const full = mant | 0x800000;
    const rem = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    let q = full >>> shift;
    if (rem > half || (rem === half && (q & 1) === 1)) q++;
    return sign | q;
  }
  let q = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (q & 1) === 1)) q++;
  if (q >= 0x7c00) throw new BundleError('out_of_range', `value ${x} at index ${index} exceeds the f16 range ±${F16_MAX}`);
  return sign | q;
}

/** binary16 bits to their exact float value (NaN/Infinity bit patterns come back as NaN/Infinity). */
function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1024 + m) * 2 ** (e - 25);
}

let table: Float32Array | undefined;

/** All 65536 binary16 values, built once: decoding becomes one lookup per element. */
function halfTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = fromHalfBits(h);
  }
  return table;
}

/** Rounds floats to binary16 bits (nearest-even); throws BundleError on non-finite or |x| > 65504. */
export function quantizeF16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalfBits(values[i]!, i);
  return out;
}

/** Expands binary16 bits to floats exactly (every binary16 value is a float32 value). */
export function dequantizeF16(bits: Uint16Array): Float32Array {
  const t = halfTable();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]!]!;
  return out;
}

/** The stated bound for one value: max(2⁻¹¹·|x|, 2⁻²⁵). */
export function f16ErrorBound(x: number): number {
  return Math.max(Math.abs(x) * 2 ** -11, 2 ** -25);
}

/** True when the binary16 bit pattern is NaN or ±Infinity. */
export function isNonFiniteHalf(h: number): boolean {
  return (h & 0x7c00) === 0x7c00;
}
