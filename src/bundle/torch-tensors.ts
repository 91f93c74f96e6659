import { BundleError } from './errors';
import { PDict, PGlobal, PList, POpaque, PTuple } from './torch-pickle';
import type { PickleGlobals, PValue } from './torch-pickle';

/**
 * What a PyTorch tensor pickle means, without PyTorch. A tensor is pickled as
 * `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`
 * where `storage` is a persistent id `('storage', torch.FloatStorage, key, location, numel)` naming
 * raw bytes stored beside the pickle. These are the only callables a state dict needs, and the
 * only globals we allow (docs/pytorch.md lists them): the storage classes are names, never called.
 */
export interface StorageRef {
  key: string;
  /** safetensors-style dtype name (tensor-decode.ts). */
  dtype: string;
  /** Elements (not bytes). */
  numel: number;
}

export interface TensorView {
  storage: StorageRef;
  /** In elements of the storage. */
  offset: number;
  size: number[];
  stride: number[];
}

export const STORAGE_DTYPES: Readonly<Record<string, string>> = {
  'torch.FloatStorage': 'F32',
  'torch.HalfStorage': 'F16',
  'torch.BFloat16Storage': 'BF16',
  'torch.DoubleStorage': 'F64',
  'torch.LongStorage': 'I64',
  'torch.IntStorage': 'I32',
  'torch.ShortStorage': 'I16',
  'torch.CharStorage': 'I8',
  'torch.ByteStorage': 'U8',
  'torch.BoolStorage': 'BOOL',
};

const REBUILD = ['torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_tensor', 'torch._utils._rebuild_parameter', 'torch._utils._rebuild_parameter_with_state'];
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set(['collections.OrderedDict', ...REBUILD, ...Object.keys(STORAGE_DTYPES)]);

const bad = (m: string): never => {
  throw new BundleError('torch_invalid', m);
};

const isCount = (v: PValue): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export const isTensor = (v: PValue): v is POpaque<TensorView> => v instanceof POpaque && v.kind === 'tensor';

/** Checks a view against its storage: every element it reads is inside, and it reads no more elements than the storage has. */
function view(storage: PValue, offset: PValue, size: PValue, stride: PValue): POpaque<TensorView> {
  if (!(storage instanceof POpaque) || storage.kind !== 'storage') return bad('a tensor whose storage is not a persistent storage reference');
  const s = storage.value as StorageRef;
  if (!(size instanceof PTuple) || !(stride instanceof PTuple) || size.items.length !== stride.items.length || size.items.length > 16) return bad('a tensor whose size and stride are not tuples of one length (≤ 16)');
  if (!isCount(offset) || !size.items.every(isCount) || !stride.items.every(isCount)) return bad('a tensor with a negative or non-integer offset, size or stride');
  const dims = size.items as number[];
  const steps = stride.items as number[];
  let numel = 1;
  let last = offset;
  for (let i = 0; i < dims.length; i++) {
    numel *= dims[i]!;
    if (dims[i]! > 0) last += (dims[i]! - 1) * steps[i]!;
  }
  if (numel > 0 && (!Number.isSafeInteger(last) || last >= s.numel)) bad(`a tensor view (offset ${offset}, size [${dims}], stride [${steps}]) reads past its storage '${s.key}' of ${s.numel} elements`);
  if (numel > s.numel) bad(`a tensor view of [${dims}] has more elements than its storage '${s.key}' (${s.numel}); broadcast views are not read (save .contiguous() tensors)`);
  return new POpaque<TensorView>('tensor', { storage: s, offset, size: [...dims], stride: [...steps] });
}

/**
 * The pickle globals of a PyTorch checkpoint. `storages` collects every storage the pickle
 * references (one entry per key; a key seen again must agree on dtype and size: shared storages).
 */
export function torchGlobals(storages: Map<string, StorageRef>): PickleGlobals {
  return {
    allowed: ALLOWED_GLOBALS,
    persistentLoad(pid) {
      const p = pid instanceof PTuple ? pid.items : [];
      // Zip format: ('storage', type, key, location, numel); the legacy format adds view metadata (None).
      if (p[0] !== 'storage' || (p.length !== 5 && p.length !== 6)) return bad('a persistent id that is not a storage reference');
      const [, type, key, location, numel] = p;
      if (!(type instanceof PGlobal) || !(type.name in STORAGE_DTYPES)) return bad('a storage reference without a storage type');
      if (typeof key !== 'string' || !/^[0-9]{1,20}$/.test(key) || typeof location !== 'string' || !isCount(numel!)) return bad('a storage reference with a malformed key, location or size');
      if (p.length === 6 && p[5] !== null) bad(`storage '${key}': storage views (legacy format) are not supported`);
      const ref: StorageRef = { key, dtype: STORAGE_DTYPES[type.name]!, numel: numel as number };
      const prev = storages.get(key);
      if (prev && (prev.dtype !== ref.dtype || prev.numel !== ref.numel)) bad(`storage '${key}' is referenced as ${prev.dtype}[${prev.numel}] and as ${ref.dtype}[${ref.numel}]`);
      if (!prev) storages.set(key, ref);
      return new POpaque('storage', prev ?? ref);
    },
    call(name, args) {
      switch (name) {
        case 'collections.OrderedDict': {
          const d = new PDict();
          if (args.length === 0) return d;
          const pairs = args[0];
          if (args.length !== 1 || !(pairs instanceof PList || pairs instanceof PTuple)) return bad('OrderedDict called with arguments other than a list of pairs');
          for (const kv of pairs.items) {
            if (!(kv instanceof PTuple) || kv.items.length !== 2 || typeof kv.items[0] !== 'string') bad('OrderedDict called with a non-(str, value) pair');
            d.map.set((kv as PTuple).items[0] as string, (kv as PTuple).items[1]!);
          }
          return d;
        }
        case 'torch._utils._rebuild_tensor_v2':
          if (args.length < 6 || args.length > 7 || typeof args[4] !== 'boolean' || !(args[5] instanceof PDict)) return bad('_rebuild_tensor_v2 with unexpected arguments');
          return view(args[0]!, args[1]!, args[2]!, args[3]!);
        case 'torch._utils._rebuild_tensor':
          if (args.length !== 4) return bad('_rebuild_tensor with unexpected arguments');
          return view(args[0]!, args[1]!, args[2]!, args[3]!);
        case 'torch._utils._rebuild_parameter':
        case 'torch._utils._rebuild_parameter_with_state':
          if (args.length < 3 || !isTensor(args[0]!)) return bad(`${name.slice(13)} of something other than a tensor`);
          return args[0]!;
        default:
          throw new BundleError('pickle_refused', `refusing to call ${name}: a name that only appears as an argument in PyTorch state dicts`);
      }
    },
  };
}
