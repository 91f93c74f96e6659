import { describe, expect, it } from 'vitest';
import { BundleError, decodeBundle, encodeBundle } from '../../src/bundle/index';
import { readStateDict } from '../../src/bundle/state-dict';
import { importTorchStateDict } from '../../src/bundle/torch-import';
import { f32, op, pickle, stateDictPickle, storageRef, tensorOp, torchZip } from '../bundle/pickle-craft';

// The checkpoint reader is core code: the same zip (fflate), pickle interpreter and views in workerd.
describe('PyTorch checkpoints in workerd', () => {
  it('reads a zip checkpoint with a transposed view and imports it into a bundle', async () => {
    // weight [2, 3] stored transposed: a [3, 2] storage read with strides (1, 2).
    const file = torchZip(stateDictPickle([['fc.weight', tensorOp(storageRef('0', 6), 0, [2, 3], [1, 2])], ['fc.bias', tensorOp(storageRef('1', 2), 0, [2], [1])]]), { 0: f32([1, 4, 2, 5, 3, 6]), 1: f32([0.5, -0.5]) });
    const sd = readStateDict(file);
    expect([...sd.tensors.get('fc.weight')!.read()]).toEqual([1, 2, 3, 4, 5, 6]);
    const spec = { spec: { inputShape: [3], task: 'regression', body: [], head: [{ kind: 'dense', name: 'fc', units: 2 }] } };
    const m = await decodeBundle(await encodeBundle(importTorchStateDict(sd, spec)));
    expect([...m.tensors['head/fc/kernel']!.data]).toEqual([1, 4, 2, 5, 3, 6]);
    expect([...m.tensors['head/fc/bias']!.data]).toEqual([0.5, -0.5]);
  });

  it('refuses a hostile global by name', () => {
    const evil = torchZip(pickle(op.proto(2), op.global('os', 'system'), op.str('id'), op.tuple1, op.reduce, op.stop), {});
    expect(() => readStateDict(evil)).toThrow(BundleError);
    expect(() => readStateDict(evil)).toThrow(/pickle_refused: refusing global os\.system/);
  });
});
