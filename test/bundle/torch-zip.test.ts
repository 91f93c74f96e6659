import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { readStateDict } from '../../src/bundle/state-dict';
import { readTorchZip } from '../../src/bundle/torch-zip';
import { f32, stateDictPickle, storageRef, tensorOp, torchZip } from './pickle-craft';
import { refusal } from './refusal';

const pkl = stateDictPickle([['w', tensorOp(storageRef('0', 3), 0, [3], [1])]]);

/** Replaces every occurrence of one ASCII name by another of the same length (local and central headers). */
function rename(zip: Uint8Array, from: string, to: string): Uint8Array {
  const out = zip.slice();
  const a = new TextEncoder().encode(from);
  const b = new TextEncoder().encode(to);
  for (let i = 0; i + a.length <= out.length; i++) if (a.every((v, j) => out[i + j] === v)) out.set(b, i);
  return out;
}

describe('the zip container', () => {
  it('reads a torch.save zip: the folder, the pickle, the storages; a deflated copy reads the same', () => {
    const real = new Uint8Array(readFileSync(new URL('../fixtures/torch/cnn4.pth', import.meta.url)));
    const z = readTorchZip(real);
    expect(z.prefix).toBe('cnn4');
    expect(z.storages.size).toBe(16);
    expect(z.littleEndian).toBe(true);
    const deflated = zipSync({ 'archive/data.pkl': [pkl, { level: 9 }], 'archive/data/0': [f32([1, 2, 3]), { level: 9 }] });
    expect([...readStateDict(deflated).tensors.get('w')!.read()]).toEqual([1, 2, 3]);
  });

  it('honours byteorder: big-endian storages are swapped', () => {
    const be = new Uint8Array(12);
    [1.5, -2, 3].forEach((x, i) => new DataView(be.buffer).setFloat32(4 * i, x, false));
    const z = torchZip(pkl, { 0: be }, { 'archive/byteorder': new TextEncoder().encode('big') });
    expect([...readStateDict(z).tensors.get('w')!.read()]).toEqual([1.5, -2, 3]);
    expect(refusal(() => readStateDict(torchZip(pkl, { 0: be }, { 'archive/byteorder': new TextEncoder().encode('middle') }))).message).toMatch(/byteorder is 'middle'/);
  });

  it('refuses ambiguous or lying zips before extracting anything: duplicates, two folders, TorchScript, huge deflate claims, truncation', () => {
    const two = torchZip(pkl, { 0: f32([1, 2, 3]), 1: f32([4, 5, 6]) });
    const huge = zipSync({ 'archive/data.pkl': [pkl, { level: 0 }], 'archive/data/0': [new Uint8Array(4096), { level: 9 }] });
    // Patch the central directory's uncompressed size of data/0 to 2^31 - 1 (what a zip bomb claims).
    const cd = huge.length - 22 - (46 + 'archive/data.pkl'.length) - (46 + 'archive/data/0'.length);
    const at = cd + 46 + 'archive/data.pkl'.length + 24;
    new DataView(huge.buffer).setUint32(at, 0x7fffffff, true);
    const real = new Uint8Array(readFileSync(new URL('../fixtures/torch/cnn4.pth', import.meta.url)));
    const cases: [Uint8Array, RegExp][] = [
      [rename(two, 'archive/data/1', 'archive/data/0'), /zip entry 'archive\/data\/0' appears twice/],
      [torchZip(pkl, { 0: f32([1, 2, 3]) }, { 'other/data/1': f32([1]) }), /zip entries in two folders \('archive\/', 'other\/'\)/],
      [torchZip(pkl, { 0: f32([1, 2, 3]) }, { 'archive/constants.pkl': new Uint8Array(1) }), /TorchScript archive \(torch\.jit\.save\)/],
      [huge, /claims 2147483647 bytes from \d+ compressed/],
      [zipSync({ 'notes.txt': new Uint8Array(3) }), /no <folder>\/data\.pkl entry: not a PyTorch checkpoint \(1 zip entries\)/],
      [real.slice(0, real.length - 200), /not a readable zip file|truncated/],
      [real.slice(0, 5000), /not a readable zip file|truncated/],
    ];
    for (const [bytes, why] of cases) {
      const e = refusal(() => readStateDict(bytes));
      expect(e.code, why.source).toBe('torch_invalid');
      expect(e.message).toMatch(why);
      expect(e.message).not.toContain('\n');
    }
  });
});
