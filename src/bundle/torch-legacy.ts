import { BundleError } from './errors';
import { DTYPE_BYTES } from './tensor-decode';
import { PDict, PList, unpickle } from './torch-pickle';
import type { PickleGlobals, PValue } from './torch-pickle';
import { torchGlobals } from './torch-tensors';
import type { StorageRef } from './torch-tensors';

/**
 * PyTorch's pre-1.6 format (`torch.save(..., _use_new_zipfile_serialization=False)`): five pickles
 * back to back — a magic number, the protocol version 1001, a sys-info dict, the object (its
 * storages as persistent ids), the list of storage keys — then, per key in that order, an int64
 * element count and the storage's raw little-endian bytes.
 */
const MAGIC = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]; // LONG1 0x1950a86a20f9469cfc6c, STOP

const bad = (m: string): never => {
  throw new BundleError('torch_invalid', `legacy checkpoint: ${m}`);
};

/** True when the bytes start with the legacy format's magic-number pickle (PROTO n, LONG1 magic, STOP). */
export function isLegacyTorch(bytes: Uint8Array): boolean {
  return bytes.length >= 2 + MAGIC.length && bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5 && MAGIC.every((b, i) => bytes[2 + i] === b);
}

const plainData: PickleGlobals = { allowed: new Set<string>(), call: (): PValue => bad('a call in a header pickle'), persistentLoad: (): PValue => bad('a persistent id in a header pickle') };

export interface LegacyCheckpoint {
  root: PValue;
  storages: Map<string, { ref: StorageRef; bytes: Uint8Array }>;
}

/** Reads the legacy format; every storage the object references must be present with exactly its size. */
export function readLegacyTorch(bytes: Uint8Array): LegacyCheckpoint {
  let at = 2 + MAGIC.length;
  const next = (globals = plainData): PValue => {
    const { value, end } = unpickle(bytes.subarray(at), globals);
    at += end;
    return value;
  };
  if (next() !== 1001) bad('protocol version is not 1001');
  const info = next();
  if (!(info instanceof PDict) || info.map.get('little_endian') !== true) bad('not written on a little-endian machine (or no sys-info)');
  const refs = new Map<string, StorageRef>();
  const root = next(torchGlobals(refs));
  const keys = next();
  if (!(keys instanceof PList) || !keys.items.every((k) => typeof k === 'string')) bad('the storage key list is not a list of strings');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const storages = new Map<string, { ref: StorageRef; bytes: Uint8Array }>();
  for (const key of (keys as PList).items as string[]) {
    const ref = refs.get(key);
    if (!ref) bad(`storage '${key}' is listed but never referenced`);
    if (storages.has(key)) bad(`storage '${key}' is listed twice`);
    if (at + 8 > bytes.length) bad(`storage '${key}': truncated before its size`);
    const count = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
    if (count !== ref!.numel) bad(`storage '${key}' holds ${count} elements, its reference says ${ref!.numel}`);
    const n = count * DTYPE_BYTES[ref!.dtype]!;
    if (n > bytes.length - at - 8) bad(`storage '${key}': ${n} bytes declared, ${bytes.length - at - 8} left in the file`);
    storages.set(key, { ref: ref!, bytes: bytes.subarray(at + 8, at + 8 + n) });
    at += 8 + n;
  }
  if (at !== bytes.length) bad(`${bytes.length - at} trailing bytes after the last storage`);
  for (const key of refs.keys()) if (!storages.has(key)) bad(`storage '${key}' is referenced but not in the file`);
  return { root, storages };
}
