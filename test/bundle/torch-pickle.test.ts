import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readStateDict } from '../../src/bundle/state-dict';
import { PDict, PList, PTuple, unpickle } from '../../src/bundle/torch-pickle';
import { torchGlobals } from '../../src/bundle/torch-tensors';
import type { StorageRef } from '../../src/bundle/torch-tensors';
import { f32, op, pickle, stateDictPickle, storageRef, tensorOp, torchZip } from './pickle-craft';
import { refusal } from './refusal';

const run = (bytes: Uint8Array) => unpickle(bytes, torchGlobals(new Map<string, StorageRef>())).value;

describe('restricted pickle interpreter', () => {
  it('refuses hostile globals by name the moment they are referenced, before any argument exists', () => {
    const hostile: [string, string][] = [['os', 'system'], ['posix', 'system'], ['builtins', 'eval'], ['builtins', 'exec'], ['subprocess', 'Popen'], ['__main__', 'Net'], ['torch', 'load'], ['collections', 'defaultdict'], ['numpy.core.multiarray', 'scalar']];
    for (const [m, n] of hostile) {
      // The classic payload: GLOBAL, then its arguments, then REDUCE. We stop at the GLOBAL.
      const classic = pickle(op.proto(2), op.global(m, n), op.mark, op.str('touch /tmp/pwned'), op.tuple, op.reduce, op.stop);
      const e = refusal(() => run(classic));
      expect(e.code).toBe('pickle_refused');
      expect(e.message).toBe(`pickle_refused: refusing global ${m}.${n}: not part of a PyTorch state dict, never imported (save model.state_dict(), not the model or other objects)`);
      // Protocol 4 spells it STACK_GLOBAL over two strings.
      const p4 = pickle(op.proto(4), op.shortStr(m), op.memoize, op.shortStr(n), op.memoize, op.stackGlobal, op.emptyTuple, op.reduce, op.stop);
      expect(refusal(() => run(p4)).message).toMatch(new RegExp(`refusing global ${m.replace(/\./g, '\\.')}\\.${n}`));
    }
    // The real thing, written by torch.save (scripts/torch/make-fixture.py): refused inside the zip too.
    const real = new Uint8Array(readFileSync(new URL('../fixtures/torch/hostile.pth', import.meta.url)));
    expect(refusal(() => readStateDict(real)).message).toMatch(/^pickle_refused: refusing global posix\.system/);
  });

  it('refuses the object-building opcodes PyTorch state dicts never use (INST, OBJ, NEWOBJ, EXT, PERSID…) by name', () => {
    const cases: [Uint8Array, RegExp][] = [
      [pickle(op.proto(2), [0x69], [...'os\nsystem\n'].map((c) => c.charCodeAt(0)), op.stop), /opcode 0x69 \(INST\) at byte 2/],
      [pickle(op.proto(2), op.mark, op.global('collections', 'OrderedDict'), [0x6f], op.stop), /opcode 0x6f \(OBJ\)/],
      [pickle(op.proto(2), op.global('collections', 'OrderedDict'), op.emptyTuple, [0x81], op.stop), /opcode 0x81 \(NEWOBJ\)/],
      [pickle(op.proto(2), [0x82, 1], op.stop), /opcode 0x82 \(EXT1\)/],
      [pickle(op.proto(2), [0x50], [...'x\n'].map((c) => c.charCodeAt(0)), op.stop), /opcode 0x50 \(PERSID\)/],
      [pickle(op.proto(2), [0xff], op.stop), /opcode 0xff at byte 2/],
    ];
    for (const [bytes, why] of cases) {
      const e = refusal(() => run(bytes));
      expect(e.code).toBe('pickle_refused');
      expect(e.message).toMatch(why);
    }
  });

  it('allowed globals are inert names: a storage class cannot be called, REDUCE needs a global and a tuple', () => {
    expect(refusal(() => run(pickle(op.proto(2), op.global('torch', 'FloatStorage'), op.emptyTuple, op.reduce, op.stop))).message).toMatch(/pickle_refused: refusing to call torch\.FloatStorage/);
    expect(refusal(() => run(pickle(op.proto(2), op.str('os.system'), op.emptyTuple, op.reduce, op.stop))).message).toMatch(/torch_invalid: pickle: REDUCE of a non-global/);
    expect(refusal(() => run(pickle(op.proto(2), op.global('collections', 'OrderedDict'), op.str('x'), op.reduce, op.stop))).message).toMatch(/REDUCE with non-tuple arguments/);
    // BUILD only sets a dict's attributes (OrderedDict._metadata); onto anything else it is refused.
    expect(refusal(() => run(pickle(op.proto(2), op.emptyList, op.emptyDict, op.build, op.stop))).message).toMatch(/BUILD on something other than a dict/);
  });

  it('a dict key named __proto__ stays a key: no JavaScript object is ever shaped by the file', () => {
    const v = run(pickle(op.proto(2), op.emptyDict, op.str('__proto__'), op.emptyDict, op.str('polluted'), op.true, op.setitem, op.setitem, op.stop));
    expect(v).toBeInstanceOf(PDict);
    expect([...(v as PDict).map.keys()]).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf((v as PDict).map)).toBe(Map.prototype);
  });

  it('reads plain data as PyTorch writes it: memo, protocol 4 frames, LONG1 (signed), floats, nested containers', () => {
    const v = run(
      pickle(
        op.proto(4), op.frame(60), op.emptyDict, op.memoize,
        op.mark,
        op.shortStr('lr'), op.float(0.01),
        op.shortStr('betas'), op.float(0.9), op.float(0.999), op.tuple2,
        op.shortStr('big'), op.long1([0x00, 0x00, 0x00, 0x80, 0x00]), // 2^31 (the fifth byte keeps it positive)
        op.shortStr('neg'), op.long1([0xff, 0xff]),
        op.shortStr('params'), op.emptyList, op.memoize, op.mark, op.int(0), op.int(1), op.appends,
        op.shortStr('again'), op.get(1), // BINGET of the params list (the second MEMOIZE)
        op.setitems, op.stop,
      ),
    ) as PDict;
    expect(v.map.get('lr')).toBe(0.01);
    expect((v.map.get('betas') as PTuple).items).toEqual([0.9, 0.999]);
    expect(v.map.get('big')).toBe(2 ** 31);
    expect(v.map.get('neg')).toBe(-1);
    expect((v.map.get('params') as PList).items).toEqual([0, 1]);
    expect(v.map.get('again')).toBe(v.map.get('params'));
  });

  it('malformed programs are torch_invalid with the byte: truncation, underflow, unknown memo, no STOP, huge lengths', () => {
    const cases: [Uint8Array, RegExp][] = [
      [pickle(op.proto(2), op.str('abc').slice(0, 6)), /truncated: 3 bytes wanted at byte 7/],
      [pickle(op.proto(2), op.setitem, op.stop), /stack underflow at byte 2/],
      [pickle(op.proto(2), op.get(9), op.stop), /memo 9 read before it was written at byte 2/],
      [pickle(op.proto(2), op.none), /truncated/],
      [pickle(op.proto(2), op.none, op.none, op.stop), /STOP with 2 values/],
      [pickle(op.proto(2), [0x58, 0xff, 0xff, 0xff, 0x7f], op.stop), /truncated: 2147483647 bytes wanted/],
      [pickle(op.proto(4), [0x8d, 0, 0, 0, 0, 0, 0, 0x40, 0], op.stop), /64-bit length/],
      [pickle(op.proto(9), op.stop), /protocol 9/],
      [pickle(op.proto(2), op.tuple, op.stop), /no MARK before byte 2/],
      [pickle(op.proto(2), op.long1([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), op.stop), /an integer of 10 bytes/],
      [pickle(op.proto(2), [0x58, 2, 0, 0, 0, 0xc3, 0x28], op.stop), /not UTF-8/],
    ];
    for (const [bytes, why] of cases) {
      const e = refusal(() => run(bytes));
      expect(e.code, why.source).toBe('torch_invalid');
      expect(e.message).toMatch(why);
      expect(e.message).not.toContain('\n');
    }
  });
});

describe('tensors and storages from crafted checkpoints', () => {
  const one = (offset: number, size: number[], stride: number[], numel = 6, bytes = f32([0, 1, 2, 3, 4, 5])) => torchZip(stateDictPickle([['w', tensorOp(storageRef('0', numel), offset, size, stride)]]), { 0: bytes });

  it('strided views read the right elements (a transpose, an offset slice)', () => {
    expect([...readStateDict(one(0, [3, 2], [1, 3])).tensors.get('w')!.read()]).toEqual([0, 3, 1, 4, 2, 5]);
    expect([...readStateDict(one(2, [2, 2], [2, 1])).tensors.get('w')!.read()]).toEqual([2, 3, 4, 5]);
    expect([...readStateDict(one(5, [0], [1])).tensors.get('w')!.read()]).toEqual([]);
  });

  it('refuses views past their storage, broadcast views, and storages whose bytes do not match their declared size', () => {
    const cases: [Uint8Array, RegExp][] = [
      [one(4, [2, 2], [2, 1]), /reads past its storage '0' of 6 elements/],
      [one(0, [2 ** 31 - 1], [1]), /reads past its storage/],
      [one(0, [1000, 1000], [0, 0]), /more elements than its storage '0' \(6\); broadcast views are not read/],
      [one(0, [2], [1], 6, f32([0, 1, 2])), /storage '0' has 12 bytes; F32\[6\] needs 24/],
      [one(0, [2], [1], 2 ** 31 - 1), /storage '0' has 24 bytes; F32\[2147483647\] needs 8589934588/],
      [one(0, [2, 3], [1]), /size and stride are not tuples of one length/],
      [torchZip(stateDictPickle([['w', tensorOp(storageRef('0', 6), 0, [6], [1])]]), {}), /storage '0' is referenced but archive\/data\/0 is not in the zip/],
      [torchZip(stateDictPickle([['a', tensorOp(storageRef('0', 6), 0, [6], [1])], ['b', tensorOp(storageRef('0', 3, 'HalfStorage'), 0, [3], [1])]]), { 0: f32([0, 1, 2, 3, 4, 5]) }), /storage '0' is referenced as F32\[6\] and as F16\[3\]/],
      [torchZip(stateDictPickle([['w', [...op.mark, ...op.str('storage'), ...op.global('torch', 'FloatStorage'), ...op.str('../../etc/passwd'), ...op.str('cpu'), ...op.int(1), ...op.tuple, ...op.binpersid]]]), {}), /malformed key/],
    ];
    for (const [bytes, why] of cases) {
      const e = refusal(() => readStateDict(bytes));
      expect(e.code, why.source).toBe('torch_invalid');
      expect(e.message).toMatch(why);
    }
  });

  it('a value other than a tensor is refused by key, and integer tensors only when read', () => {
    const notTensor = torchZip(stateDictPickle([['w', op.str('hello')]]), {});
    expect(refusal(() => readStateDict(notTensor)).message).toMatch(/torch_mapping: 'w' is a str, not a tensor/);
    const ints = readStateDict(torchZip(stateDictPickle([['n', tensorOp(storageRef('0', 1, 'LongStorage'), 0, [], [])]]), { 0: new Uint8Array(8) }));
    expect(ints.tensors.get('n')!.dtype).toBe('I64');
    expect(refusal(() => ints.tensors.get('n')!.read()).code).toBe('unsupported_dtype');
  });
});
