import { zipSync } from 'fflate';

/**
 * Hand-assembled pickles and PyTorch zip checkpoints for tests: hostile programs, malformed
 * storages, opcodes PyTorch never writes. Each helper returns the bytes of one opcode.
 */
type Part = number[] | Uint8Array;

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

export const op = {
  proto: (v = 2): number[] => [0x80, v],
  frame: (n: number): number[] => [0x95, ...u32(n), 0, 0, 0, 0],
  stop: [0x2e],
  mark: [0x28],
  emptyDict: [0x7d],
  emptyList: [0x5d],
  emptyTuple: [0x29],
  tuple: [0x74],
  tuple1: [0x85],
  tuple2: [0x86],
  tuple3: [0x87],
  none: [0x4e],
  true: [0x88],
  false: [0x89],
  reduce: [0x52],
  build: [0x62],
  setitem: [0x73],
  setitems: [0x75],
  append: [0x61],
  appends: [0x65],
  binpersid: [0x51],
  stackGlobal: [0x93],
  memoize: [0x94],
  pop: [0x30],
  put: (i: number): number[] => [0x71, i],
  get: (i: number): number[] => [0x68, i],
  int: (n: number): number[] => [0x4a, ...u32(n)],
  long1: (bytes: number[]): number[] => [0x8a, bytes.length, ...bytes],
  float: (x: number): number[] => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, false);
    return [0x47, ...b];
  },
  str: (s: string): number[] => {
    const b = new TextEncoder().encode(s);
    return [0x58, ...u32(b.length), ...b];
  },
  shortStr: (s: string): number[] => {
    const b = new TextEncoder().encode(s);
    return [0x8c, b.length, ...b];
  },
  global: (module: string, name: string): number[] => [0x63, ...ascii(module), 0x0a, ...ascii(name), 0x0a],
};

export function pickle(...parts: Part[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** `('storage', torch.<type>, key, 'cpu', numel)` then BINPERSID: a storage reference. */
export const storageRef = (key: string, numel: number, type = 'FloatStorage'): number[] => [...op.mark, ...op.str('storage'), ...op.global('torch', type), ...op.str(key), ...op.str('cpu'), ...op.int(numel), ...op.tuple, ...op.binpersid];

/** `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())`. */
export function tensorOp(storage: number[], offset: number, size: number[], stride: number[]): number[] {
  const tup = (xs: number[]): number[] => [...op.mark, ...xs.flatMap(op.int), ...op.tuple];
  return [
    ...op.global('torch._utils', '_rebuild_tensor_v2'),
    ...op.mark,
    ...storage,
    ...op.int(offset),
    ...tup(size),
    ...tup(stride),
    ...op.false,
    ...op.global('collections', 'OrderedDict'),
    ...op.emptyTuple,
    ...op.reduce,
    ...op.tuple,
    ...op.reduce,
  ];
}

/** A state dict pickle `{name: tensor, …}` (a plain dict; PyTorch writes an OrderedDict, both are read). */
export function stateDictPickle(entries: [string, number[]][]): Uint8Array {
  return pickle(op.proto(2), op.emptyDict, op.mark, ...entries.flatMap(([k, t]) => [op.str(k), t]), op.setitems, op.stop);
}

/** float32 little-endian bytes. */
export const f32 = (xs: number[]): Uint8Array => new Uint8Array(Float32Array.from(xs).buffer);

/** A zip checkpoint as torch.save lays it out (stored entries under one folder). */
export function torchZip(pkl: Uint8Array, storages: Record<string, Uint8Array>, extra: Record<string, Uint8Array> = {}, folder = 'archive'): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = { [`${folder}/data.pkl`]: [pkl, { level: 0 }] };
  for (const [k, v] of Object.entries(storages)) files[`${folder}/data/${k}`] = [v, { level: 0 }];
  for (const [k, v] of Object.entries(extra)) files[k] = [v, { level: 0 }];
  return zipSync(files);
}
