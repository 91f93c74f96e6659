import { BundleError } from './errors';
import { dequantizeF16 } from './f16';

/**
 * Raw tensor bytes (safetensors buffers, PyTorch storages) to float32. Dtypes are named as
 * safetensors names them; PyTorch's storage classes map onto the same names (torch-tensors.ts).
 */
export const DTYPE_BYTES: Readonly<Record<string, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1, F8_E4M3: 1, F8_E5M2: 1 };
/** One tensor of a state dict, decoded on demand (state-dict.ts). */
export interface StateTensor {
  /** safetensors-style dtype name: F32, F16, BF16, F64, I64, … */
  dtype: string;
  shape: number[];
  /** float32 values in row-major order; refuses non-float dtypes (`unsupported_dtype`) and non-finite values. */
  read: () => Float32Array;
}

/** Decoded exactly (F16 and BF16 widen without rounding). */
export const EXACT_DTYPES = ['F32', 'F16', 'BF16'] as const;
/** Decoded by rounding to float32: the importer warns. */
export const NARROWED_DTYPES = ['F64'] as const;

/**
 * `count` elements of `dtype` from `raw` as float32, element j read from element index `at(j)` of
 * `raw` (contiguous by default; a strided view passes its index map). The caller has checked that
 * every index is inside `raw`. Integer and 8-bit float dtypes are refused by name; a non-finite
 * value is `non_finite`.
 */
export function decodeF32(name: string, raw: Uint8Array, dtype: string, count: number, at: (j: number) => number = (j) => j, littleEndian = true): Float32Array {
  if (!(EXACT_DTYPES as readonly string[]).includes(dtype) && !(NARROWED_DTYPES as readonly string[]).includes(dtype)) {
    throw new BundleError('unsupported_dtype', `tensor '${name}' is ${dtype}; only ${EXACT_DTYPES.join(', ')} (and F64, rounded to F32) can be imported`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let out: Float32Array;
  if (dtype === 'F32' || dtype === 'F64') {
    out = new Float32Array(count);
    if (dtype === 'F32') for (let j = 0; j < count; j++) out[j] = view.getFloat32(4 * at(j), littleEndian);
    else for (let j = 0; j < count; j++) out[j] = view.getFloat64(8 * at(j), littleEndian);
  } else {
    const halves = new Uint16Array(count);
    for (let j = 0; j < count; j++) halves[j] = view.getUint16(2 * at(j), littleEndian);
    if (dtype === 'F16') out = dequantizeF16(halves);
    else {
      // bfloat16 is the top half of a float32: shifting it back is exact.
      const words = new Uint32Array(count);
      for (let j = 0; j < count; j++) words[j] = halves[j]! << 16;
      out = new Float32Array(words.buffer);
    }
  }
  const bad = out.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new BundleError('non_finite', `tensor '${name}' has a non-finite value at index ${bad}${dtype === 'F64' ? ' (after rounding F64 to F32)' : ''}`);
  return out;
}
