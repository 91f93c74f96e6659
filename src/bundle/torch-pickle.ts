import { BundleError } from './errors';

/**
 * A restricted pickle interpreter. A pickle is a program for a stack machine whose GLOBAL and
 * REDUCE instructions import and call arbitrary Python; Python's `pickle.load` on a hostile file
 * runs `os.system`. Here only the opcodes a PyTorch state dict is written with are interpreted, and
 * a global exists only if the caller's table names it: anything else (`os.system`,
 * `builtins.eval`, a pickled `nn.Module` subclass) is refused by name the moment it is referenced,
 * before any argument is built. Nothing is ever resolved, imported or evaluated; values are a
 * closed set of plain data (below), so a file cannot reach a JavaScript prototype either (dict
 * keys live in a Map, never as object properties). This mirrors torch's own
 * `torch.load(weights_only=True)` unpickler, whose allowlist ours is a subset of.
 */
export class PTuple {
  constructor(readonly items: PValue[]) {}
}
export class PList {
  constructor(readonly items: PValue[]) {}
}
/** Python dict keys we accept: str, int, float, bool, None (tuples as keys are refused). */
export type PKey = string | number | boolean | null;
export class PDict {
  readonly map = new Map<PKey, PValue>();
  /** Instance attributes set by BUILD (an OrderedDict's `_metadata`): kept, never interpreted. */
  attrs?: PDict;
}
/** A reference to a whitelisted global (`torch.FloatStorage`); callable only through the table. */
export class PGlobal {
  constructor(readonly name: string) {}
}
/** Anything the table's functions or the persistent loader produce (tensors, storages). */
export class POpaque<T = unknown> {
  constructor(
    readonly kind: string,
    readonly value: T,
  ) {}
}
export type PValue = null | boolean | number | string | Uint8Array | PTuple | PList | PDict | PGlobal | POpaque;

export interface PickleGlobals {
  /** Fully qualified names (`collections.OrderedDict`) that may be referenced. */
  allowed: ReadonlySet<string>;
  /** REDUCE of an allowed global: the call it stands for. An allowed global without one cannot be called. */
  call: (name: string, args: PValue[]) => PValue;
  /** BINPERSID: the object a persistent id stands for (PyTorch's storages). */
  persistentLoad: (pid: PValue) => PValue;
}

const fail = (m: string): never => {
  throw new BundleError('torch_invalid', `pickle: ${m}`);
};

/** One interpreter run; `pos` is where the next opcode starts (for messages). */
class Machine {
  /** Where the next opcode starts (after STOP: where the pickle ended). */
  pos = 0;
  private stack: PValue[] = [];
  private readonly marks: PValue[][] = [];
  private readonly memo = new Map<number, PValue>();
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly g: PickleGlobals,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private take(n: number): number {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.bytes.length - this.pos) fail(`truncated: ${n} bytes wanted at byte ${this.pos} of ${this.bytes.length}`);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  private u8 = (): number => this.bytes[this.take(1)]!;
  private u16 = (): number => this.view.getUint16(this.take(2), true);
  private u32 = (): number => this.view.getUint32(this.take(4), true);
  private u64(): number {
    const at = this.take(8);
    const hi = this.view.getUint32(at + 4, true);
    if (hi >= 0x200000) fail(`a 64-bit length ${hi} * 2^32 + … at byte ${at} is beyond any file`);
    return hi * 2 ** 32 + this.view.getUint32(at, true);
  }
  private utf8(n: number): string {
    const at = this.take(n);
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(this.bytes.subarray(at, at + n));
    } catch {
      return fail(`a string at byte ${at} is not UTF-8`);
    }
  }
  /** A text line (GLOBAL's module and name): printable ASCII up to '\n'. */
  private line(): string {
    const start = this.pos;
    const end = this.bytes.indexOf(0x0a, start);
    if (end < 0 || end - start > 512) fail(`GLOBAL at byte ${start - 1}: no name line`);
    for (let i = start; i < end; i++) if (this.bytes[i]! < 0x20 || this.bytes[i]! > 0x7e) fail(`GLOBAL at byte ${start - 1}: a non-ASCII name`);
    this.pos = end + 1;
    return String.fromCharCode(...this.bytes.subarray(start, end));
  }

  private pop(): PValue {
    if (this.stack.length === 0) fail(`stack underflow at byte ${this.pos - 1}`);
    return this.stack.pop()!;
  }
  private top(): PValue {
    if (this.stack.length === 0) fail(`stack underflow at byte ${this.pos - 1}`);
    return this.stack[this.stack.length - 1]!;
  }
  /** The items pushed since the last MARK, which is removed. */
  private popMark(): PValue[] {
    const items = this.stack;
    const below = this.marks.pop();
    if (!below) fail(`no MARK before byte ${this.pos - 1}`);
    this.stack = below!;
    return items;
  }

  private global(module: string, name: string): PGlobal {
    const full = `${module}.${name}`;
    if (!this.g.allowed.has(full)) {
      throw new BundleError('pickle_refused', `refusing global ${full.slice(0, 200)}: not part of a PyTorch state dict, never imported (save model.state_dict(), not the model or other objects)`);
    }
    return new PGlobal(full);
  }

  private setItem(d: PValue, k: PValue, v: PValue): void {
    if (!(d instanceof PDict)) return fail(`SETITEM on a non-dict at byte ${this.pos - 1}`);
    if (k !== null && typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'boolean') return fail(`an unsupported dict key type at byte ${this.pos - 1}`);
    d.map.set(k, v);
  }

  private list(at: PValue): PValue[] {
    if (!(at instanceof PList)) return fail(`APPEND to a non-list at byte ${this.pos - 1}`);
    return at.items;
  }

  run(): PValue {
    const s = (): PValue[] => this.stack;
    for (;;) {
      const at = this.pos;
      const op = this.u8();
      switch (op) {
        case 0x80: { // PROTO
          const v = this.u8();
          if (v < 2 || v > 5) fail(`protocol ${v} (PyTorch writes 2; 2-5 are read)`);
          break;
        }
        case 0x95: // FRAME: a length hint only
          this.u64();
          break;
        case 0x2e: // STOP
          if (this.stack.length !== 1 || this.marks.length) fail(`STOP with ${this.stack.length} values and ${this.marks.length} marks on the stack`);
          return this.stack[0]!;
        case 0x28: // MARK
          this.marks.push(this.stack);
          this.stack = [];
          break;
        case 0x7d: s().push(new PDict()); break; // EMPTY_DICT
        case 0x5d: s().push(new PList([])); break; // EMPTY_LIST
        case 0x29: s().push(new PTuple([])); break; // EMPTY_TUPLE
        case 0x74: { const items = this.popMark(); s().push(new PTuple(items)); break; } // TUPLE
        case 0x85: s().push(new PTuple([this.pop()])); break; // TUPLE1
        case 0x86: { const b = this.pop(); const a = this.pop(); s().push(new PTuple([a, b])); break; } // TUPLE2
        case 0x87: { const c = this.pop(); const b = this.pop(); const a = this.pop(); s().push(new PTuple([a, b, c])); break; } // TUPLE3
        case 0x6c: { const items = this.popMark(); s().push(new PList(items)); break; } // LIST
        case 0x64: { // DICT
          const items = this.popMark();
          if (items.length % 2) fail(`DICT with an odd number of items at byte ${at}`);
          const d = new PDict();
          for (let i = 0; i < items.length; i += 2) this.setItem(d, items[i]!, items[i + 1]!);
          s().push(d);
          break;
        }
        case 0x4e: s().push(null); break; // NONE
        case 0x88: s().push(true); break; // NEWTRUE
        case 0x89: s().push(false); break; // NEWFALSE
        case 0x4a: s().push(this.view.getInt32(this.take(4), true)); break; // BININT
        case 0x4b: s().push(this.u8()); break; // BININT1
        case 0x4d: s().push(this.u16()); break; // BININT2
        case 0x8a: { // LONG1: little-endian two's complement
          const n = this.u8();
          if (n > 7) fail(`an integer of ${n} bytes at byte ${at} (more than 2^53 is not a size)`);
          const from = this.take(n);
          let v = 0;
          for (let i = n - 1; i >= 0; i--) v = v * 256 + this.bytes[from + i]!;
          if (n > 0 && this.bytes[from + n - 1]! >= 0x80) v -= 2 ** (8 * n);
          s().push(v);
          break;
        }
        case 0x47: s().push(this.view.getFloat64(this.take(8), false)); break; // BINFLOAT (big-endian)
        case 0x58: s().push(this.utf8(this.u32())); break; // BINUNICODE
        case 0x8c: s().push(this.utf8(this.u8())); break; // SHORT_BINUNICODE
        case 0x8d: s().push(this.utf8(this.u64())); break; // BINUNICODE8
        case 0x43: { const n = this.u8(); const f = this.take(n); s().push(this.bytes.slice(f, f + n)); break; } // SHORT_BINBYTES
        case 0x42: { const n = this.u32(); const f = this.take(n); s().push(this.bytes.slice(f, f + n)); break; } // BINBYTES
        case 0x63: { const module = this.line(); s().push(this.global(module, this.line())); break; } // GLOBAL
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') fail(`STACK_GLOBAL with non-string names at byte ${at}`);
          s().push(this.global(module as string, name as string));
          break;
        }
        case 0x51: s().push(this.g.persistentLoad(this.pop())); break; // BINPERSID
        case 0x52: { // REDUCE
          const args = this.pop();
          const fn = this.pop();
          if (!(fn instanceof PGlobal)) fail(`REDUCE of a non-global at byte ${at}`);
          if (!(args instanceof PTuple)) fail(`REDUCE with non-tuple arguments at byte ${at}`);
          s().push(this.g.call((fn as PGlobal).name, (args as PTuple).items));
          break;
        }
        case 0x62: { // BUILD: only a dict's instance attributes (OrderedDict._metadata)
          const state = this.pop();
          const target = this.top();
          if (!(target instanceof PDict) || !(state instanceof PDict)) fail(`BUILD on something other than a dict at byte ${at}`);
          (target as PDict).attrs = state as PDict;
          break;
        }
        case 0x73: { const v = this.pop(); const k = this.pop(); this.setItem(this.top(), k, v); break; } // SETITEM
        case 0x75: { // SETITEMS
          const items = this.popMark();
          if (items.length % 2) fail(`SETITEMS with an odd number of items at byte ${at}`);
          const d = this.top();
          for (let i = 0; i < items.length; i += 2) this.setItem(d, items[i]!, items[i + 1]!);
          break;
        }
        case 0x61: { const v = this.pop(); this.list(this.top()).push(v); break; } // APPEND
        case 0x65: { // APPENDS
          const items = this.popMark();
          const list = this.list(this.top());
          for (const v of items) list.push(v);
          break;
        }
        case 0x71: this.memo.set(this.u8(), this.top()); break; // BINPUT
        case 0x72: this.memo.set(this.u32(), this.top()); break; // LONG_BINPUT
        case 0x94: this.memo.set(this.memo.size, this.top()); break; // MEMOIZE
        case 0x68: case 0x6a: { // BINGET, LONG_BINGET
          const i = op === 0x68 ? this.u8() : this.u32();
          if (!this.memo.has(i)) fail(`memo ${i} read before it was written at byte ${at}`);
          s().push(this.memo.get(i)!);
          break;
        }
        case 0x30: this.pop(); break; // POP
        default:
          throw new BundleError('pickle_refused', `refusing pickle opcode 0x${op.toString(16).padStart(2, '0')}${OPCODE_NAMES[op] ? ` (${OPCODE_NAMES[op]})` : ''} at byte ${at}: not used by PyTorch state dicts`);
      }
    }
  }
}

/** Names of opcodes we refuse, for the message (the dangerous ones, by name). */
const OPCODE_NAMES: Record<number, string> = { 0x69: 'INST', 0x6f: 'OBJ', 0x81: 'NEWOBJ', 0x92: 'NEWOBJ_EX', 0x50: 'PERSID', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x53: 'STRING', 0x56: 'UNICODE', 0x49: 'INT', 0x4c: 'LONG', 0x46: 'FLOAT', 0x67: 'GET', 0x70: 'PUT', 0x8b: 'LONG4', 0x97: 'NEXT_BUFFER', 0x96: 'BYTEARRAY8', 0x8f: 'EMPTY_SET', 0x91: 'FROZENSET', 0x90: 'ADDITEMS', 0x32: 'DUP', 0x31: 'POP_MARK' };

/**
 * Runs one pickle (from byte 0 to its STOP) with the given globals; returns the value and where
 * the pickle ended (the legacy format concatenates pickles). Every malformed input is a
 * BundleError `torch_invalid`; a refused global or opcode is `pickle_refused`.
 */
export function unpickle(bytes: Uint8Array, globals: PickleGlobals): { value: PValue; end: number } {
  const m = new Machine(bytes, globals);
  const value = m.run();
  return { value, end: m.pos };
}
