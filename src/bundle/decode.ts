import type { ModelData, NamedTensor } from '../spec/model-spec';
import { BundleError } from './errors';
import { asBytes } from './layout';
import { readBundleHeader } from './header';
import { numel } from './tensor-table';
import type { TensorEntry } from './tensor-table';
import { dequantizeF16, isNonFiniteHalf } from './f16';
import { dequantizeInt8 } from './int8';

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Decodes a bundle into f32 tensors ready for tfjs, after checking frame, checksum, header, table,
 * shapes and values; on any failure it throws a BundleError and returns nothing.
 * f32 tensors may be zero-copy views into `input`: do not modify `input` afterwards.
 */
export async function decodeBundle(input: Uint8Array | ArrayBuffer): Promise<ModelData> {
  const bytes = asBytes(input);
  const info = await readBundleHeader(bytes);
  const { header, frame } = info;
  const tensors: Record<string, NamedTensor> = {};
  const dtypes: Record<string, 'f32' | 'f16' | 'int8'> = {};
  for (const entry of header.tensors) {
    tensors[entry.name] = { shape: entry.shape, data: decodeTensor(bytes, frame.payloadStart + entry.offset, entry) };
    dtypes[entry.name] = entry.dtype;
  }
  return {
    id: info.id,
    name: header.name,
    spec: header.spec,
    defaults: header.defaults,
    provenance: header.provenance,
    tensors,
    storage: { format: `fsb ${info.version}`, bytes: info.bytes, dtypes },
  };
}

/** One tensor's values as f32; the range was validated by the table, the values are checked here. */
function decodeTensor(bytes: Uint8Array, start: number, entry: TensorEntry): Float32Array {
  const n = numel(entry.shape);
  const at = bytes.byteOffset + start;
  if (entry.dtype === 'int8') {
    const q = entry.quant!;
    return dequantizeInt8(new Int8Array(bytes.buffer, at + 5 * q.scale.length, n), q.scale, q.zeroPoint);
  }
  const view = new DataView(bytes.buffer, at, entry.byteLength);
  if (entry.dtype === 'f16') {
    const bits = LITTLE_ENDIAN && at % 2 === 0 ? new Uint16Array(bytes.buffer, at, n) : Uint16Array.from({ length: n }, (_, i) => view.getUint16(2 * i, true));
    for (let i = 0; i < n; i++) if (isNonFiniteHalf(bits[i]!)) nonFinite(entry, i);
    return dequantizeF16(bits);
  }
  const data = LITTLE_ENDIAN && at % 4 === 0 ? new Float32Array(bytes.buffer, at, n) : Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true));
  for (let i = 0; i < n; i++) if (!Number.isFinite(data[i]!)) nonFinite(entry, i);
  return data;
}

function nonFinite(entry: TensorEntry, i: number): never {
  throw new BundleError('non_finite', `tensor '${entry.name}' has a non-finite value at index ${i}`);
}
