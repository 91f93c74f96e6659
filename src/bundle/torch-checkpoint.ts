import { BundleError } from './errors';
import { decodeF32, DTYPE_BYTES } from './tensor-decode';
import type { StateTensor } from './tensor-decode';
import { isLegacyTorch, readLegacyTorch } from './torch-legacy';
import { PDict, PList, POpaque, PTuple, unpickle } from './torch-pickle';
import type { PKey, PValue } from './torch-pickle';
import { isTensor, torchGlobals } from './torch-tensors';
import type { StorageRef, TensorView } from './torch-tensors';
import { isZip, readTorchZip } from './torch-zip';


/**
 * A PyTorch checkpoint (`torch.save`, zip or legacy format) read as a state dict: the pickled
 * dict of name → tensor, or with `key` the one held under that key of a training checkpoint
 * (`{'state_dict': …, 'optimizer': …}`). Tensors are checked against their storages here and
 * decoded only when read, so memory follows what the import spec asks for.
 */
export function isTorchCheckpoint(bytes: Uint8Array): boolean {
  return isZip(bytes) || isLegacyTorch(bytes);
}

const refuse = (m: string): never => {
  throw new BundleError('torch_mapping', m);
};

/** A Python-ish description of a value, for messages. */
function describe(v: PValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'a bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an int' : 'a float';
  if (typeof v === 'string') return 'a str';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PTuple) return 'a tuple';
  if (v instanceof PList) return 'a list';
  if (v instanceof PDict) return 'a dict';
  if (v instanceof POpaque) return `a ${v.kind}`;
  return 'a class';
}

const quote = (keys: PKey[]): string => keys.slice(0, 6).map((k) => `'${String(k)}'`).join(', ') + (keys.length > 6 ? ', …' : '');

/** The dict of tensors: the root, or the dict under `key`. */
function selectStateDict(root: PValue, key: string | undefined): PDict {
  if (!(root instanceof PDict)) return refuse(`the checkpoint holds ${describe(root)}, not a dict of tensors (save model.state_dict())`);
  const dictKeys = [...root.map].filter(([, v]) => v instanceof PDict).map(([k]) => k);
  if (key !== undefined) {
    const sd = root.map.get(key);
    if (!(sd instanceof PDict)) return refuse(`--key '${key}': ${sd === undefined ? 'no such key' : `that is ${describe(sd)}`}; the checkpoint's keys are ${quote([...root.map.keys()])}`);
    return sd;
  }
  for (const [k, v] of root.map) {
    if (!isTensor(v)) {
      const hint = dictKeys.length ? `; pick the state dict with --key (dict-valued keys: ${quote(dictKeys)})` : '';
      return refuse(`'${String(k)}' is ${describe(v)}, not a tensor: this is not a state dict${hint}`);
    }
  }
  return root;
}

/** Element j of a view → its element index in the storage (row-major over `size`). */
function indexMap(v: TensorView): (j: number) => number {
  const { size, stride, offset } = v;
  if (size.every((_, i) => stride[i] === size.slice(i + 1).reduce((a, b) => a * b, 1) || size[i] === 1)) return (j) => offset + j;
  return (j) => {
    let at = offset;
    for (let d = size.length - 1; d >= 0; d--) {
      at += (j % size[d]!) * stride[d]!;
      j = Math.floor(j / size[d]!);
    }
    return at;
  };
}

/** Reads a checkpoint's state dict; see `readStateDict` (state-dict.ts) for the format-neutral entry point. */
export function readTorchCheckpoint(bytes: Uint8Array, key?: string): Map<string, StateTensor> {
  let root: PValue;
  let data: Map<string, { ref: StorageRef; bytes: Uint8Array }>;
  let littleEndian = true;
  if (isZip(bytes)) {
    const zip = readTorchZip(bytes);
    const refs = new Map<string, StorageRef>();
    const { value, end } = unpickle(zip.pickle, torchGlobals(refs));
    if (end !== zip.pickle.length) throw new BundleError('torch_invalid', `pickle: ${zip.pickle.length - end} bytes after STOP`);
    root = value;
    littleEndian = zip.littleEndian;
    data = new Map();
    for (const [k, ref] of refs) {
      const raw = zip.storages.get(k);
      if (!raw) throw new BundleError('torch_invalid', `storage '${k}' is referenced but ${zip.prefix}/data/${k} is not in the zip`);
      const want = ref.numel * DTYPE_BYTES[ref.dtype]!;
      if (raw.length !== want) throw new BundleError('torch_invalid', `storage '${k}' has ${raw.length} bytes; ${ref.dtype}[${ref.numel}] needs ${want}`);
      data.set(k, { ref, bytes: raw });
    }
  } else if (isLegacyTorch(bytes)) {
    ({ root, storages: data } = readLegacyTorch(bytes));
  } else {
    throw new BundleError('torch_invalid', 'neither a zip nor a legacy PyTorch checkpoint');
  }
  const sd = selectStateDict(root, key);
  const out = new Map<string, StateTensor>();
  for (const [k, v] of sd.map) {
    if (typeof k !== 'string') refuse(`state dict key ${String(k)} is not a string`);
    if (!isTensor(v)) refuse(`'${String(k)}' is ${describe(v)}, not a tensor`);
    const t = (v as POpaque<TensorView>).value;
    const raw = data.get(t.storage.key)!.bytes;
    const count = t.size.reduce((a, b) => a * b, 1);
    out.set(k as string, { dtype: t.storage.dtype, shape: [...t.size], read: () => decodeF32(k as string, raw, t.storage.dtype, count, indexMap(t), littleEndian) });
  }
  return out;
}
