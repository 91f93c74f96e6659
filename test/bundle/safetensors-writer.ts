/** Writes small (and deliberately broken) safetensors files for tests; values are raw element bits for F16/BF16. */
export interface FakeTensor {
  dtype: string;
  shape: number[];
  values: number[];
}

const BYTES: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2, I64: 8 };

export function writeSafetensors(
  tensors: Record<string, FakeTensor>,
  opts: { offsets?: Record<string, [number, number]>; trailing?: number; headerLength?: number; rawHeader?: string } = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  const blobs: Uint8Array[] = [];
  let at = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const size = BYTES[t.dtype] ?? 1;
    const blob = new Uint8Array(t.values.length * size);
    const v = new DataView(blob.buffer);
    t.values.forEach((x, i) => {
      if (t.dtype === 'F32') v.setFloat32(4 * i, x, true);
      else if (t.dtype === 'F64') v.setFloat64(8 * i, x, true);
      else if (size === 2) v.setUint16(2 * i, x, true);
      else if (size === 1) v.setUint8(i, x);
    });
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: opts.offsets?.[name] ?? [at, at + blob.length] };
    blobs.push(blob);
    at += blob.length;
  }
  const text = new TextEncoder().encode(opts.rawHeader ?? JSON.stringify(header));
  const data = new Uint8Array(at + (opts.trailing ?? 0));
  let p = 0;
  for (const b of blobs) {
    data.set(b, p);
    p += b.length;
  }
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setUint32(0, opts.headerLength ?? text.length, true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}
