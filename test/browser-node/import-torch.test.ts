import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeBundle } from '../../src/bundle/index';
import { BundleError, importTorchCheckpoint } from '../../browser/index';

// The browser runtime's checkpoint import, run in Node: the same code fewshot.js ships (no node: imports in it).
const dir = new URL('../fixtures/torch/', import.meta.url);
const read = (f: string): Uint8Array => new Uint8Array(readFileSync(new URL(f, dir)));
const text = (f: string): string => readFileSync(new URL(f, dir), 'utf8');

async function refused(p: Promise<unknown>): Promise<BundleError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BundleError) return e;
    throw e;
  }
  throw new Error('expected a BundleError');
}

describe('importTorchCheckpoint (browser runtime, offline)', () => {
  it('turns cnn4.pth (an ArrayBuffer, as File.arrayBuffer() gives it) into the same bundle as cnn4.safetensors', async () => {
    const pth = read('cnn4.pth');
    const buffer = new ArrayBuffer(pth.length);
    new Uint8Array(buffer).set(pth);
    const a = await importTorchCheckpoint({ checkpoint: buffer, spec: text('cnn4.spec.json'), source: 'cnn4' });
    const b = await importTorchCheckpoint({ checkpoint: read('cnn4.safetensors'), spec: JSON.parse(text('cnn4.spec.json')), source: 'cnn4' });
    expect(a.tensors).toBe(14);
    expect(a.parameters).toBe(1237);
    expect(a.warnings).toEqual([]);
    expect(Buffer.from(a.bundle).equals(Buffer.from(b.bundle))).toBe(true);
    const m = await decodeBundle(a.bundle);
    expect(m.name).toBe('torch-cnn4-fixture');
    expect(m.provenance).toMatchObject({ importedFrom: 'pytorch', source: 'cnn4' });
  });

  it('reads a training checkpoint with key and prefix, stores f16 on request, and reports F64 rounding', async () => {
    const r = await importTorchCheckpoint({ checkpoint: read('cnn4-train.pt'), spec: text('cnn4.spec.json'), key: 'state_dict', stripPrefix: 'module.', dtype: 'f16' });
    expect((await decodeBundle(r.bundle)).tensors['head/classifier/kernel']!.shape).toEqual([72, 5]);
    const spec = { spec: { inputShape: [3], task: 'regression', body: [], head: [{ kind: 'dense', name: 'double', units: 2 }] }, tensors: { 'head/double/kernel': 'double', 'head/double/bias': null }, ignore: ['transposed', 'slice', 'whole', 'half'] };
    expect((await importTorchCheckpoint({ checkpoint: read('views.pth'), spec })).warnings).toEqual(["'double' is F64 (float64): rounded to F32"]);
  });

  it('refuses a hostile pickle and a spec that is not JSON with BundleErrors', async () => {
    const e = await refused(importTorchCheckpoint({ checkpoint: read('hostile.pth'), spec: text('cnn4.spec.json') }));
    expect(e.code).toBe('pickle_refused');
    expect(e.message).toMatch(/refusing global posix\.system/);
    expect((await refused(importTorchCheckpoint({ checkpoint: read('cnn4.pth'), spec: '{"spec": ' }))).code).toBe('bad_spec');
  });
});
