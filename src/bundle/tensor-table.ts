import { ALIGNMENT } from './layout';
import { BundleError } from './errors';
import { arr, int, obj, oneOf, shape, str } from './json-checks';
import type { Json } from './json-checks';

export type TensorDtype = 'f32' | 'f16' | 'int8';

export const DTYPE_BYTES: Record<TensorDtype, number> = { f32: 4, f16: 2, int8: 1 };

/**
 * Affine int8 parameters: one scale/zero point per tensor, or per entry of the last axis. On disk the
 * header holds only `{scheme: 'affine', axis?}`; the scales and zero points lead the tensor's bytes
 * (C float32 scales, then C int8 zero points, then the codes) and are read into this object.
 */
export interface QuantParams {
  /** Present (= rank − 1) for per-channel quantization; absent for one scale per tensor. */
  axis?: number;
  scale: number[];
  zeroPoint: number[];
}

/** Bytes of an int8 tensor's block: 4·C scales + C zero points + one byte per element. */
export function int8BlockBytes(numel: number, channels: number): number {
  return 5 * channels + numel;
}

/** One row of the header's tensor table; `offset` is relative to the payload start. */
export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: TensorDtype;
  offset: number;
  byteLength: number;
  quant?: QuantParams;
}

/** Number of elements of a shape (1 for a scalar). */
export function numel(s: readonly number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

/** Reads the tensor table and checks every entry against the payload: in range, aligned, disjoint. */
export function parseTensorTable(v: Json, payload: Uint8Array): TensorEntry[] {
  try {
    const entries = arr(v, 'tensors').map((e, i) => parseEntry(e, `tensors[${i}]`, payload));
    const seen = new Set<string>();
    for (const e of entries) {
      if (seen.has(e.name)) throw new BundleError('bad_tensor_table', `duplicate tensor '${e.name}'`);
      seen.add(e.name);
    }
    const byOffset = [...entries].sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < byOffset.length; i++) {
      const prev = byOffset[i - 1]!;
      const cur = byOffset[i]!;
      if (cur.offset < prev.offset + prev.byteLength) throw new BundleError('bad_tensor_table', `tensors '${prev.name}' and '${cur.name}' overlap`);
    }
    return entries;
  } catch (e) {
    if (e instanceof BundleError && e.code === 'bad_header') throw new BundleError('bad_tensor_table', e.message.replace(/^bad_header: /, ''));
    throw e;
  }
}

function parseEntry(v: Json, path: string, payload: Uint8Array): TensorEntry {
  const o = obj(v, path);
  const name = str(o.name, `${path}.name`, 512);
  const at = `${path} '${name}'`;
  const dtype = oneOf(o.dtype, `${at}.dtype`, ['f32', 'f16', 'int8'], 'unsupported_dtype');
  const s = shape(o.shape, `${at}.shape`);
  const offset = int(o.offset, `${at}.offset`);
  const byteLength = int(o.byteLength, `${at}.byteLength`);
  const fail = (code: 'bad_tensor_table' | 'shape_mismatch', m: string): never => {
    throw new BundleError(code, `${at}: ${m}`);
  };
  if (offset % ALIGNMENT !== 0) fail('bad_tensor_table', `offset ${offset} is not a multiple of ${ALIGNMENT}`);
  if (offset + byteLength > payload.length) fail('bad_tensor_table', `bytes [${offset}, ${offset + byteLength}) run past the payload (${payload.length} bytes)`);
  const entry: TensorEntry = { name, shape: s, dtype, offset, byteLength };
  if (dtype !== 'int8') {
    if (o.quant !== undefined) fail('bad_tensor_table', 'quant is only allowed on int8 tensors');
    if (numel(s) * DTYPE_BYTES[dtype] !== byteLength) fail('shape_mismatch', `shape [${s}] of ${dtype} needs ${numel(s) * DTYPE_BYTES[dtype]} bytes, table says ${byteLength}`);
    return entry;
  }
  const q = obj(o.quant, `${at}.quant`);
  if (q.scheme !== 'affine') throw new BundleError('unsupported_feature', `${at}.quant.scheme: ${JSON.stringify(q.scheme)} (this reader knows 'affine')`);
  const axis = q.axis === undefined ? undefined : int(q.axis, `${at}.quant.axis`);
  if (axis !== undefined && axis !== s.length - 1) fail('bad_tensor_table', `quant.axis ${axis}: only the last axis (${s.length - 1}) is supported`);
  const channels = axis === undefined ? 1 : s[axis]!;
  if (int8BlockBytes(numel(s), channels) !== byteLength) fail('shape_mismatch', `shape [${s}] of int8 with ${channels} scale(s) needs ${int8BlockBytes(numel(s), channels)} bytes, table says ${byteLength}`);
  const view = new DataView(payload.buffer, payload.byteOffset + offset, 5 * channels);
  const scale: number[] = [];
  const zeroPoint: number[] = [];
  for (let c = 0; c < channels; c++) {
    const x = view.getFloat32(4 * c, true);
    if (!(x > 0 && x < Infinity)) fail('bad_tensor_table', `quant scale ${c} is ${x}, must be a positive finite float32`);
    scale.push(x);
    zeroPoint.push(view.getInt8(4 * channels + c));
  }
  entry.quant = axis === undefined ? { scale, zeroPoint } : { axis, scale, zeroPoint };
  return entry;
}
