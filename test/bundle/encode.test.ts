import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { decodeBundle, encodeBundle, f16ErrorBound, int8ErrorBound, readBundleHeader, storedDtype } from '../../src/bundle/index';
import type { ModelData } from '../../src/spec/model-spec';
import { convModel, tinyClassifier, tinySine } from './fixture-models';
import { refusal, unpack } from './craft';

const models = { tiny: tinyClassifier, sine: tinySine, conv: convModel };

describe('encodeBundle / decodeBundle', () => {
  for (const [label, make] of Object.entries(models)) {
    it(`round-trips the ${label} model bit-exactly at f32, and re-encoding gives the same bytes`, async () => {
      const model = make();
      const bytes = await encodeBundle(model);
      const back = await decodeBundle(bytes);
      expect(back.name).toBe(model.name);
      expect(back.spec).toEqual(model.spec);
      expect(back.defaults).toEqual(model.defaults);
      expect(back.provenance).toEqual(model.provenance);
      expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(model.tensors).sort());
      for (const [name, t] of Object.entries(model.tensors)) {
        expect(back.tensors[name]!.shape).toEqual(t.shape);
        expect(new Uint32Array(back.tensors[name]!.data.slice().buffer)).toEqual(new Uint32Array(t.data.slice().buffer));
      }
      const { id, storage, ...again } = back;
      expect(storage).toMatchObject({ format: 'fsb 1.0', bytes: bytes.length });
      expect(await encodeBundle(again)).toEqual(bytes);
    });
  }

  it('uses as id the SHA-256 of every byte before the 32-byte trailer, and that trailer is the same digest', async () => {
    const bytes = await encodeBundle(tinySine());
    const digest = createHash('sha256').update(bytes.subarray(0, bytes.length - 32)).digest();
    expect((await decodeBundle(bytes)).id).toBe(digest.toString('hex'));
    expect(Buffer.from(bytes.subarray(bytes.length - 32)).equals(digest)).toBe(true);
  });

  it('gives the same bytes whatever order keys and tensors were inserted in', async () => {
    const m = tinySine();
    const shuffled: Omit<ModelData, 'id'> = {
      tensors: Object.fromEntries(Object.entries(m.tensors).reverse()),
      provenance: Object.fromEntries(Object.entries(m.provenance).reverse()) as ModelData['provenance'],
      defaults: { ...m.defaults, limits: Object.fromEntries(Object.entries(m.defaults.limits).reverse()) as ModelData['defaults']['limits'] },
      spec: { head: m.spec.head, body: m.spec.body, task: m.spec.task, inputShape: m.spec.inputShape },
      name: m.name,
    };
    expect(await encodeBundle(shuffled)).toEqual(await encodeBundle(m));
  });

  it('aligns every tensor to 64 bytes so f32 tensors decode as zero-copy views', async () => {
    const bytes = await encodeBundle(convModel());
    const info = await readBundleHeader(bytes);
    expect(info.frame.payloadStart % 64).toBe(0);
    for (const t of info.header.tensors) expect(t.offset % 64).toBe(0);
    const m = await decodeBundle(bytes);
    const kernel = m.tensors['body/conv2/kernel']!.data;
    expect(kernel.buffer).toBe(bytes.buffer);
    expect(kernel.byteOffset % 4).toBe(0);
  });

  it('copies instead of failing when the input is not 4-byte aligned', async () => {
    const bytes = await encodeBundle(tinySine());
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const a = await decodeBundle(bytes);
    const b = await decodeBundle(shifted);
    for (const name of Object.keys(a.tensors)) expect(b.tensors[name]!.data).toEqual(a.tensors[name]!.data);
  });

  it('stores f16 within max(2^-11|x|, 2^-25) and int8 within its per-channel bound; lr and norm statistics stay f32', async () => {
    for (const make of [convModel, tinySine]) {
      const model = make();
      for (const dtype of ['f16', 'int8'] as const) {
        const bytes = await encodeBundle(model, { dtype });
        const info = await readBundleHeader(bytes);
        const back = await decodeBundle(bytes);
        for (const entry of info.header.tensors) {
          expect(entry.dtype).toBe(storedDtype(entry.name, dtype));
          if (/^lr\/|moving(Mean|Variance)$/.test(entry.name)) expect(entry.dtype).toBe('f32');
          const x = model.tensors[entry.name]!.data;
          const y = back.tensors[entry.name]!.data;
          const channels = entry.shape.at(-1)!;
          // One assertion per tensor: the largest excess over the bound must not be positive.
          const excess = x.reduce((m, v, i) => {
            const bound = entry.dtype === 'f32' ? 0 : entry.dtype === 'f16' ? f16ErrorBound(v) : int8ErrorBound(v, entry.quant!.scale[entry.quant!.axis === undefined ? 0 : i % channels]!);
            return Math.max(m, Math.abs(v - y[i]!) - bound);
          }, -Infinity);
          expect(excess, entry.name).toBeLessThanOrEqual(0);
        }
        expect(info.header.tensors.some((t) => t.dtype === dtype)).toBe(true);
      }
    }
  });

  it('quantizes int8 kernels per output channel by default and per tensor on request', async () => {
    const model = convModel();
    const per = await readBundleHeader(await encodeBundle(model, { dtype: 'int8' }));
    const one = await readBundleHeader(await encodeBundle(model, { dtype: 'int8', perChannel: false }));
    const k = (i: typeof per) => i.header.tensors.find((t) => t.name === 'body/conv2/kernel')!;
    expect(k(per).quant).toMatchObject({ axis: 3 });
    expect(k(per).quant!.scale).toHaveLength(32);
    expect(k(one).quant!.axis).toBeUndefined();
    expect(k(one).quant!.scale).toHaveLength(1);
  });

  it('refuses models a reader would refuse, with the reader\'s codes', async () => {
    const ok = tinySine();
    const { ['head/out/bias']: _dropped, ...missing } = ok.tensors;
    await refusal(encodeBundle({ ...ok, tensors: missing }), 'bad_tensor_table');
    await refusal(encodeBundle({ ...ok, tensors: { ...ok.tensors, 'body/nope/kernel': { shape: [1], data: new Float32Array(1) } } }), 'bad_tensor_table');
    await refusal(encodeBundle({ ...ok, tensors: { ...ok.tensors, 'head/out/bias': { shape: [2], data: new Float32Array(2) } } }), 'shape_mismatch');
    await refusal(encodeBundle({ ...ok, tensors: { ...ok.tensors, 'head/out/bias': { shape: [1], data: new Float32Array(2) } } }), 'shape_mismatch');
    await refusal(encodeBundle({ ...ok, tensors: { ...ok.tensors, 'head/out/bias': { shape: [1], data: Float32Array.of(NaN) } } }), 'non_finite');
    await refusal(encodeBundle({ ...ok, defaults: { ...ok.defaults, lrMode: 'scalar' } }), 'bad_tensor_table');
    await refusal(encodeBundle({ ...ok, defaults: { ...ok.defaults, steps: 1000 } }), 'bad_header');
    await refusal(encodeBundle({ ...ok, provenance: { ...ok.provenance, extra: 10n } }), 'bad_input');
    const tiny = tinyClassifier();
    await refusal(encodeBundle({ ...tiny, defaults: { ...tiny.defaults, headInit: 'learned' } }), 'bad_spec');
    await refusal(encodeBundle({ ...tiny, tensors: { ...tiny.tensors, 'head/out/bias': { shape: [5], data: new Float32Array(5) } } }), 'bad_tensor_table');
    await refusal(encodeBundle({ ...tiny, spec: { ...tiny.spec, body: [{ kind: 'conv2d', name: 'c', filters: 2, kernelSize: 3 }] } }), 'bad_spec');
    await refusal(encodeBundle(ok, { dtype: 'f8' as never }), 'unsupported_dtype');
  });

  it('writes format version 1.0 with the documented magic', async () => {
    const bytes = await encodeBundle(tinyClassifier());
    expect(Array.from(bytes.subarray(0, 12))).toEqual([0x89, 0x46, 0x53, 0x42, 0x0d, 0x0a, 0x1a, 0x0a, 1, 0, 0, 0]);
    expect(unpack(bytes).header.tensors.map((t: { name: string }) => t.name)).toEqual(['body/fc1/bias', 'body/fc1/kernel']);
  });
});
