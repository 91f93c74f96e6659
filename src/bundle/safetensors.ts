import { BundleError } from './errors';
import { decodeF32, DTYPE_BYTES } from './tensor-decode';

/**
 * A reader for the safetensors format (what `safetensors.torch.save_file` writes): an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON `{name: {dtype, shape, data_offsets: [begin,
 * end]}, "__metadata__"?: {string: string}}`, then the byte buffer the offsets index (relative to its
 * start, byte 8 + N). Every check the reference implementation makes is made here before any tensor
 * is read: offsets in range, sizes matching dtype × shape, and the tensors tiling the buffer exactly
 * (no overlap, no hole, nothing after the last one).
 */
export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export interface Safetensors {
  metadata: Record<string, string>;
  entries: Map<string, SafetensorsEntry>;
  /** The data buffer (bytes after the header). */
  data: Uint8Array;
}

/** The reference implementation's cap on the header. */
const MAX_HEADER = 100_000_000;

const bad = (m: string): never => {
  throw new BundleError('safetensors_invalid', m);
};

function readEntry(name: string, v: unknown, dataLength: number): SafetensorsEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`tensor '${name}': expected an object`);
  const o = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof o.dtype !== 'string' || !(o.dtype in DTYPE_BYTES)) bad(`tensor '${name}': unknown dtype ${JSON.stringify(o.dtype)}`);
  const dtype = o.dtype as string;
  const isDim = (d: unknown): d is number => Number.isSafeInteger(d) && (d as number) >= 0;
  if (!Array.isArray(o.shape) || !o.shape.every(isDim)) bad(`tensor '${name}': shape must be an array of non-negative integers`);
  const shape = o.shape as number[];
  const offs = o.data_offsets;
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isDim)) bad(`tensor '${name}': data_offsets must be [begin, end]`);
  const [begin, end] = offs as [number, number];
  if (begin > end || end > dataLength) bad(`tensor '${name}': data_offsets [${begin}, ${end}] outside the ${dataLength}-byte data buffer`);
  const bytes = shape.reduce((a, d) => a * d, 1) * DTYPE_BYTES[dtype]!;
  if (end - begin !== bytes) bad(`tensor '${name}': ${end - begin} bytes for ${dtype} [${shape}] (needs ${bytes})`);
  return { dtype, shape, begin, end };
}

/** Parses and checks a safetensors file; tensors are decoded later, one by one (`tensorF32`). */
export function parseSafetensors(bytes: Uint8Array): Safetensors {
  if (bytes.length < 8) bad(`${bytes.length} bytes: too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > MAX_HEADER || 8 + n > bytes.length) bad(`header length ${n} does not fit the ${bytes.length}-byte file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    bad(`the header is not UTF-8 JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) bad('the header is not a JSON object');
  const data = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) bad('__metadata__ must be an object of strings');
      for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
        if (typeof s !== 'string') bad(`__metadata__.${k} is not a string`);
        metadata[k] = s as string;
      }
      continue;
    }
    entries.set(name, readEntry(name, v, data.length));
  }
  // The tensors must tile the buffer: sorted by offset, each starts where the previous ended.
  let at = 0;
  for (const [name, e] of [...entries].sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end)) {
    if (e.begin < at) bad(`tensor '${name}' overlaps the previous tensor (starts at ${e.begin}, previous ends at ${at})`);
    if (e.begin > at) bad(`unused bytes [${at}, ${e.begin}) before tensor '${name}'`);
    at = e.end;
  }
  if (at !== data.length) bad(`${data.length - at} trailing bytes after the last tensor`);
  return { metadata, entries, data };
}

/** One tensor as float32 (F32 exact, F16 and BF16 widened exactly, F64 rounded); other dtypes are refused by name. */
export function tensorF32(st: Safetensors, name: string): { shape: number[]; data: Float32Array } {
  const e = st.entries.get(name);
  if (!e) throw new BundleError('safetensors_invalid', `no tensor '${name}'`);
  const raw = st.data.subarray(e.begin, e.end);
  return { shape: [...e.shape], data: decodeF32(name, raw, e.dtype, raw.length / DTYPE_BYTES[e.dtype]!) };
}
