import type { ModelData } from '../spec/model-spec';
import { BundleError } from './errors';
import { align, FORMAT_MAJOR, writeFrame } from './layout';
import { canonicalJson } from './canonical-json';
import { str } from './json-checks';
import { parseSpec } from './parse-spec';
import { parseDefaults, parseProvenance } from './parse-defaults';
import { specShapes } from './spec-shapes';
import { checkDefaults, checkTensorNames } from './check-model';
import { int8BlockBytes, numel } from './tensor-table';
import type { QuantParams, TensorDtype, TensorEntry } from './tensor-table';
import { quantizeF16 } from './f16';
import { quantizeInt8, quantizeInt8With } from './int8';

export interface EncodeOptions {
  /** Target storage: f32 (default, exact), f16, or int8 for conv/dense kernels. */
  dtype?: TensorDtype;
  /** int8 only: one scale per output channel (last axis) of each kernel (default true). */
  perChannel?: boolean;
  /**
   * Per-tensor storage overriding `dtype`: a bundle re-encoded exactly as it was stored (a round trip
   * through tfjs). int8 entries with `quant` reuse those scales and zero points, so dequantized values
   * quantize back to the same codes.
   */
  tensors?: Record<string, { dtype: TensorDtype; quant?: QuantParams }>;
}

/**
 * The dtype a tensor is stored in for a target: learned lrs and batch-norm statistics always stay
 * f32 (they are tiny and errors in them are amplified); int8 applies to kernels only, biases and
 * batch-norm scale/shift stay f32.
 */
export function storedDtype(name: string, target: TensorDtype): TensorDtype {
  if (target === 'f32' || name.startsWith('lr/') || /\/moving(Mean|Variance)$/.test(name)) return 'f32';
  if (target === 'f16') return 'f16';
  return name.endsWith('/kernel') ? 'int8' : 'f32';
}

/** Encodes a model as bundle bytes, refusing (BundleError) anything a reader would refuse. */
export async function encodeBundle(model: Omit<ModelData, 'id'>, opts: EncodeOptions = {}): Promise<Uint8Array> {
  const target = opts.dtype ?? 'f32';
  if (!['f32', 'f16', 'int8'].includes(target)) throw new BundleError('unsupported_dtype', `unknown dtype '${target}'`);
  const name = str(model.name, 'name', 256);
  const spec = parseSpec(model.spec);
  const defaults = parseDefaults(model.defaults);
  const provenance = parseProvenance(model.provenance);
  const shapes = specShapes(spec);
  checkDefaults(spec, shapes, defaults);
  const names = Object.keys(model.tensors ?? {}).sort();
  const list = names.map((n) => ({ name: n, ...model.tensors[n]! }));
  for (const t of list) {
    if (!(t.data instanceof Float32Array)) throw new BundleError('bad_input', `tensor '${t.name}': data must be a Float32Array`);
    if (!Array.isArray(t.shape) || t.data.length !== numel(t.shape)) throw new BundleError('shape_mismatch', `tensor '${t.name}': ${t.data.length} values for shape [${t.shape}]`);
  }
  checkTensorNames(list, shapes, defaults);
  const entries: TensorEntry[] = [];
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const t of list) {
    const given = opts.tensors?.[t.name];
    const dtype = given?.dtype ?? storedDtype(t.name, target);
    if (!['f32', 'f16', 'int8'].includes(dtype)) throw new BundleError('unsupported_dtype', `tensor '${t.name}': unknown dtype '${dtype}'`);
    const entry: TensorEntry = { name: t.name, shape: [...t.shape], dtype, offset, byteLength: 0 };
    let blob: Uint8Array;
    if (dtype === 'f32') {
      const i = t.data.findIndex((x) => !Number.isFinite(x));
      if (i >= 0) throw new BundleError('non_finite', `tensor '${t.name}' has a non-finite value at index ${i}`);
      blob = littleEndianBytes(t.data);
    } else if (dtype === 'f16') {
      blob = littleEndianBytes(quantizeF16(t.data));
    } else {
      const perChannel = given?.quant ? given.quant.axis !== undefined : (opts.perChannel ?? true) && t.shape.length >= 2;
      const channels = perChannel ? t.shape.at(-1)! : 1;
      const q = given?.quant ? quantizeInt8With(t.data, given.quant, channels) : quantizeInt8(t.data, channels);
      entry.quant = perChannel ? { axis: t.shape.length - 1, scale: q.scale, zeroPoint: q.zeroPoint } : { scale: q.scale, zeroPoint: q.zeroPoint };
      blob = new Uint8Array(int8BlockBytes(q.data.length, channels));
      const view = new DataView(blob.buffer);
      q.scale.forEach((x, c) => view.setFloat32(4 * c, x, true));
      q.zeroPoint.forEach((z, c) => view.setInt8(4 * channels + c, z));
      blob.set(new Uint8Array(q.data.buffer, q.data.byteOffset, q.data.byteLength), 5 * channels);
    }
    entry.byteLength = blob.length;
    entries.push(entry);
    blobs.push(blob);
    offset = align(offset + blob.length);
  }
  const payloadLength = entries.length ? entries.at(-1)!.offset + entries.at(-1)!.byteLength : 0;
  const payload = new Uint8Array(payloadLength);
  entries.forEach((e, i) => payload.set(blobs[i]!, e.offset));
  // On disk an int8 entry names only its scheme and axis: the scales and zero points lead its bytes.
  const table = entries.map(({ quant, ...e }) => (quant ? { ...e, quant: { scheme: 'affine', axis: quant.axis } } : e));
  const header = new TextEncoder().encode(canonicalJson({ name, spec, defaults, provenance, tensors: table }));
  // Format 1.1 added l2Normalize, globalAvgPool and integer conv padding; anything else is still
  // written as 1.0 (same bytes as before).
  const minor = [...spec.body, ...spec.head].some((l) => l.kind === 'l2Normalize' || l.kind === 'globalAvgPool' || (l.kind === 'conv2d' && typeof l.padding === 'number')) ? 1 : 0;
  return writeFrame(header, payload, { major: FORMAT_MAJOR, minor });
}

/** The bytes of a typed array in little-endian order (a copy only on big-endian hosts). */
function littleEndianBytes(a: Float32Array | Uint16Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  const view = new DataView(out.buffer);
  a.forEach((x, i) => (a instanceof Float32Array ? view.setFloat32(4 * i, x, true) : view.setUint16(2 * i, x, true)));
  return out;
}
