import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { encodeBundle } from '../../src/bundle/index';
import { readStateDict } from '../../src/bundle/state-dict';
import type { ReadStateDictOptions } from '../../src/bundle/state-dict';
import { importTorchStateDict } from '../../src/bundle/torch-import';
import { writeSafetensors } from './safetensors-writer';
import { refusal } from './refusal';

// Fixtures: scripts/torch/make-fixture.py (torch 1.13), committed; no torch needed here.
const dir = new URL('../fixtures/torch/', import.meta.url);
const read = (f: string): Uint8Array => new Uint8Array(readFileSync(new URL(f, dir)));
const json = (f: string): any => JSON.parse(readFileSync(new URL(f, dir), 'utf8'));

/** The bundle bytes an import produces (same source name for every file format). */
const bundle = (file: string, spec: string, opts: ReadStateDictOptions = {}): Promise<Uint8Array> => encodeBundle(importTorchStateDict(readStateDict(read(file), opts), json(spec), { source: 'fixture' }));

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

describe('PyTorch checkpoints (.pth/.pt) read without Python', () => {
  for (const name of ['cnn4', 'omniglotcnn', 'mlp']) {
    it(`${name}.pth imports to the same bundle bytes as ${name}.safetensors`, async () => {
      const pth = readStateDict(read(`${name}.pth`));
      const st = readStateDict(read(`${name}.safetensors`));
      expect(pth.format).toBe('pytorch');
      expect(st.format).toBe('safetensors');
      expect([...pth.tensors.keys()].sort()).toEqual([...st.tensors.keys()].sort());
      for (const [k, t] of st.tensors) expect(pth.tensors.get(k)!.dtype, k).toBe(t.dtype);
      const a = await bundle(`${name}.pth`, `${name}.spec.json`);
      const b = await bundle(`${name}.safetensors`, `${name}.spec.json`);
      expect(a.length).toBeGreaterThan(1000);
      expect(equal(a, b)).toBe(true);
    });
  }

  it('OmniglotCNN registers its conv base twice: the duplicate keys share storages, read once each', () => {
    const sd = readStateDict(read('omniglotcnn.pth'));
    expect(sd.tensors.size).toBe(58);
    expect([...sd.tensors.get('features.1.0.conv.weight')!.read()]).toEqual([...sd.tensors.get('base.0.conv.weight')!.read()]);
    // 30 distinct storages for 58 keys (28 conv/batch-norm tensors reached by two paths): the file holds each once.
    const zipNames = new TextDecoder('latin1').decode(read('omniglotcnn.pth')).match(/omniglotcnn\/data\/\d+/g)!;
    expect(new Set(zipNames).size).toBe(30);
  });

  it('the legacy (pre-1.6) format and a training checkpoint (--key state_dict --strip-prefix module.) give the same bundle too', async () => {
    const want = await bundle('cnn4.safetensors', 'cnn4.spec.json');
    expect(equal(await bundle('cnn4-legacy.pt', 'cnn4.spec.json'), want)).toBe(true);
    expect(equal(await bundle('cnn4-train.pt', 'cnn4.spec.json', { key: 'state_dict', stripPrefix: 'module.' }), want)).toBe(true);
  });

  it('a training checkpoint without --key, with a wrong one, or with the optimizer is refused with the keys it has', () => {
    const ck = read('cnn4-train.pt');
    expect(refusal(() => readStateDict(ck)).message).toBe("torch_mapping: 'epoch' is an int, not a tensor: this is not a state dict; pick the state dict with --key (dict-valued keys: 'state_dict', 'optimizer')");
    expect(refusal(() => readStateDict(ck, { key: 'model' })).message).toBe("torch_mapping: --key 'model': no such key; the checkpoint's keys are 'epoch', 'state_dict', 'optimizer'");
    expect(refusal(() => readStateDict(ck, { key: 'epoch' })).message).toMatch(/--key 'epoch': that is an int/);
    expect(refusal(() => readStateDict(ck, { key: 'optimizer' })).message).toBe("torch_mapping: 'state' is a dict, not a tensor");
    // Without the prefix stripped, the spec's names are not found: the mapping error names the key.
    const sd = readStateDict(ck, { key: 'state_dict' });
    expect([...sd.tensors.keys()][0]).toMatch(/^module\./);
    expect(refusal(() => importTorchStateDict(sd, json('cnn4.spec.json'))).message).toMatch(/torch_mapping: body\/conv0\/kernel ← 'features\.0\.conv\.weight': no such key/);
    expect(refusal(() => readStateDict(read('cnn4.safetensors'), { key: 'state_dict' })).message).toMatch(/a safetensors file is a state dict already/);
  });

  it('views read as PyTorch sees them: a transpose, an offset slice of a shared storage, F16 exactly, F64 rounded', () => {
    const sd = readStateDict(read('views.pth'));
    const want = json('views.json') as Record<string, { shape: number[]; values: number[] }>;
    expect(Object.fromEntries([...sd.tensors].map(([k, t]) => [k, t.dtype]))).toEqual({ transposed: 'F32', slice: 'F32', whole: 'F32', double: 'F64', half: 'F16' });
    for (const [k, t] of sd.tensors) {
      expect(t.shape, k).toEqual(want[k]!.shape);
      expect([...t.read()], k).toEqual(want[k]!.values.map(Math.fround));
    }
  });

  it('an F64 tensor is imported rounded to F32, with a warning naming it', () => {
    const sd = readStateDict(read('views.pth'));
    const warnings: string[] = [];
    const spec = { spec: { inputShape: [3], task: 'regression', body: [], head: [{ kind: 'dense', name: 'double', units: 2 }] }, tensors: { 'head/double/kernel': 'double', 'head/double/bias': null }, ignore: ['transposed', 'slice', 'whole', 'half'] };
    const m = importTorchStateDict(sd, spec, { warn: (w) => warnings.push(w) });
    expect(warnings).toEqual(["'double' is F64 (float64): rounded to F32"]);
    const d = json('views.json').double.values as number[];
    expect([...m.tensors['head/double/kernel']!.data]).toEqual([d[0], d[3], d[1], d[4], d[2], d[5]].map((x) => Math.fround(x!)));
    expect(m.provenance).toMatchObject({ importedFrom: 'pytorch' });
  });

  it('--strip-prefix refuses to merge two keys into one', () => {
    const sd = readStateDict(read('views.pth'), { stripPrefix: 'who' });
    expect(sd.tensors.has('le')).toBe(true);
    const both = writeSafetensors({ 'module.w': { dtype: 'F32', shape: [1], values: [1] }, w: { dtype: 'F32', shape: [1], values: [2] } });
    expect(refusal(() => readStateDict(both, { stripPrefix: 'module.' })).message).toBe("torch_mapping: --strip-prefix 'module.': 'w' and another key both become 'w'");
  });

  it('a damaged legacy file is refused with what is wrong: a cut storage, trailing bytes', () => {
    const legacy = read('cnn4-legacy.pt');
    expect(refusal(() => readStateDict(legacy.slice(0, legacy.length - 10))).message).toMatch(/^torch_invalid: legacy checkpoint: storage '\d+': \d+ bytes declared, \d+ left in the file$/);
    const longer = new Uint8Array(legacy.length + 3);
    longer.set(legacy);
    expect(refusal(() => readStateDict(longer)).message).toBe('torch_invalid: legacy checkpoint: 3 trailing bytes after the last storage');
  });

  it('a file that is neither format says so', () => {
    expect(refusal(() => readStateDict(new TextEncoder().encode('hello, this is not a checkpoint'))).message).toBe('torch_invalid: neither a PyTorch checkpoint (zip or legacy torch.save) nor a safetensors file');
  });
});
