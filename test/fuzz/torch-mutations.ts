import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { op } from '../bundle/pickle-craft';

/** A checkpoint taken apart: its pickle and its entries, to damage one and put it back together. */
export interface Parts {
  folder: string;
  pickle: Uint8Array;
  others: Record<string, Uint8Array>;
}

export function split(zip: Uint8Array): Parts {
  const files = unzipSync(zip);
  const pkl = Object.keys(files).find((n) => n.endsWith('/data.pkl'))!;
  const folder = pkl.slice(0, -'/data.pkl'.length);
  const others = Object.fromEntries(Object.entries(files).filter(([n]) => n !== pkl));
  return { folder, pickle: files[pkl]!, others };
}

/** Stored entries, as torch.save writes them. */
export function join(p: Parts, pickle = p.pickle): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = { [`${p.folder}/data.pkl`]: [pickle, { level: 0 }] };
  for (const [n, b] of Object.entries(p.others)) files[n] = [b, { level: 0 }];
  return zipSync(files);
}

const enc = new TextEncoder();

/** Replaces the first `GLOBAL module\nname\n` whose text matches `target` by another global. */
export function swapGlobal(pickle: Uint8Array, target: string, module: string, name: string): Uint8Array | undefined {
  const needle = enc.encode(`c${target}\n`);
  for (let i = 0; i + needle.length <= pickle.length; i++) {
    if (needle.every((b, j) => pickle[i + j] === b)) {
      const out = new Uint8Array(pickle.length - needle.length + module.length + name.length + 3);
      out.set(pickle.subarray(0, i));
      const g = enc.encode(`c${module}\n${name}\n`);
      out.set(g, i);
      out.set(pickle.subarray(i + needle.length), i + g.length);
      return out;
    }
  }
  return undefined;
}

/** The globals an attacker reaches for; all must be refused by name. */
export const HOSTILE: [string, string][] = [
  ['os', 'system'], ['posix', 'system'], ['nt', 'system'], ['builtins', 'eval'], ['builtins', 'exec'], ['builtins', 'getattr'], ['builtins', '__import__'],
  ['subprocess', 'Popen'], ['subprocess', 'check_output'], ['pickle', 'loads'], ['torch', 'load'], ['torch.serialization', 'load'], ['runpy', '_run_code'], ['webbrowser', 'open'],
];

/** Numbers around the edges of every size field: zero, off-by-one, int32 and 2^53 limits, negatives. */
const edgeInt = fc.oneof(fc.integer({ min: -2, max: 40 }), fc.constantFrom(2 ** 31 - 1, -(2 ** 31), 2 ** 16, 255, 256, 65535));

/** One allowed opcode with plausible arguments; sequences of these are well-formed-ish programs. */
const anyOp: fc.Arbitrary<number[]> = fc.oneof(
  fc.constantFrom(op.mark, op.emptyDict, op.emptyList, op.emptyTuple, op.tuple, op.tuple1, op.tuple2, op.tuple3, op.none, op.true, op.false, op.reduce, op.build, op.setitem, op.setitems, op.append, op.appends, op.binpersid, op.memoize, op.pop, op.stackGlobal),
  edgeInt.map(op.int),
  fc.nat(255).map(op.put),
  fc.nat(255).map(op.get),
  fc.constantFrom('storage', 'cpu', '0', '1', 'weight', 'collections', 'OrderedDict', 'torch', 'FloatStorage', 'HalfStorage', '_rebuild_tensor_v2', 'torch._utils').map(op.shortStr),
  fc.constantFrom<[string, string]>(['collections', 'OrderedDict'], ['torch._utils', '_rebuild_tensor_v2'], ['torch._utils', '_rebuild_parameter'], ['torch', 'FloatStorage'], ['torch', 'HalfStorage'], ['torch', 'LongStorage'], ...HOSTILE).map(([m, n]) => op.global(m, n)),
  fc.array(fc.nat(255), { maxLength: 9 }).map(op.long1),
  fc.double().map(op.float),
);

/** A random program of allowed opcodes (ending in STOP, or not). */
export const program: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.constantFrom(2, 4), fc.array(anyOp, { maxLength: 80 }), fc.boolean())
  .map(([v, ops, stop]) => Uint8Array.from([...op.proto(v), ...ops.flat(), ...(stop ? op.stop : [])]));

const ELEMENT_BYTES: Record<string, number> = { FloatStorage: 4, HalfStorage: 2, BFloat16Storage: 2, DoubleStorage: 8, LongStorage: 8 };

/**
 * A view of a storage: what `_rebuild_tensor_v2` is given. Mostly honest (the storage holds its
 * declared size, stride per dimension, small sizes), with lies mixed in: wrong byte counts, a
 * stride tuple of another length, offsets and extents past the end, int32-sized claims.
 */
export const viewArgs = fc
  .record({
    numel: fc.oneof({ weight: 9, arbitrary: fc.nat(48) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 31 - 1) }),
    lie: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -8, max: 8 }) }),
    offset: fc.oneof({ weight: 4, arbitrary: fc.nat(8) }, { weight: 1, arbitrary: edgeInt }),
    dims: fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.nat(5) }, { weight: 1, arbitrary: edgeInt }), fc.oneof({ weight: 4, arbitrary: fc.nat(6) }, { weight: 1, arbitrary: edgeInt })), { maxLength: 4 }),
    extraStride: fc.oneof({ weight: 9, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.array(edgeInt, { minLength: 1, maxLength: 2 }) }),
    dtype: fc.constantFrom('FloatStorage', 'FloatStorage', 'HalfStorage', 'BFloat16Storage', 'DoubleStorage', 'LongStorage'),
  })
  .map((a) => ({
    numel: a.numel,
    bytes: Math.max(0, Math.min(a.numel, 4096) * ELEMENT_BYTES[a.dtype]! + a.lie),
    offset: a.offset,
    size: a.dims.map(([s]) => s),
    stride: [...a.dims.map(([, t]) => t), ...a.extraStride],
    dtype: a.dtype,
  }));
