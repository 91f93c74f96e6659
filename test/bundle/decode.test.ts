import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeBundle, encodeBundle, readBundleHeader } from '../../src/bundle/index';
import { writeFrame } from '../../src/bundle/layout';
import { tinyClassifier, tinySine } from './fixture-models';
import { craft, refusal, unpack } from './craft';

const tiny = new Uint8Array(readFileSync(new URL('../fixtures/tiny.fsb', import.meta.url)));

/** The fixture's header and payload with one edit, re-framed with a valid checksum. */
async function edited(edit: (h: Record<string, any>, payload: Uint8Array) => void, bytes: Uint8Array = tiny): Promise<Uint8Array> {
  const { header, payload } = unpack(bytes);
  edit(header, payload);
  return craft(header, payload);
}

describe('decodeBundle', () => {
  it('decodes the committed fixtures to exactly the seeded models the script encodes', async () => {
    for (const [file, make] of [['tiny.fsb', tinyClassifier], ['tiny-sine.fsb', tinySine]] as const) {
      const m = await decodeBundle(readFileSync(new URL(`../fixtures/${file}`, import.meta.url)));
      const want = make();
      expect(m.spec).toEqual(want.spec);
      for (const [name, t] of Object.entries(want.tensors)) expect(m.tensors[name]!.data).toEqual(t.data);
    }
  });

  it('accepts an ArrayBuffer as well as a Uint8Array', async () => {
    const a = await decodeBundle(tiny.slice().buffer);
    expect(a.id).toBe((await decodeBundle(tiny)).id);
  });

  it('refuses wrong magic, an unknown major version, and accepts a newer minor version', async () => {
    const { header, payload } = unpack(tiny);
    await refusal(decodeBundle(Uint8Array.from([0x50, 0x4b, 3, 4, ...tiny.subarray(4)])), 'bad_magic');
    await refusal(decodeBundle(new TextEncoder().encode('{"name":"json, not a bundle"}')), 'bad_magic');
    expect(await refusal(decodeBundle(await craft(header, payload, { major: 2, minor: 0 })), 'unsupported_version')).toMatch(/version 2\.0/);
    const newer = await decodeBundle(await craft({ ...header, futureOptionalField: { x: 1 } }, payload, { major: 1, minor: 7 }));
    expect(newer.storage?.format).toBe('fsb 1.7');
  });

  it('refuses features it does not implement when the header requires them', async () => {
    expect(await refusal(decodeBundle(await edited((h) => (h.requires = ['sparse-tensors']))), 'unsupported_feature')).toMatch(/sparse-tensors/);
  });

  it('refuses malformed header JSON and schema violations with bad_header', async () => {
    const { payload } = unpack(tiny);
    await refusal(decodeBundle(await craft('{"name": ', payload)), 'bad_header');
    await refusal(decodeBundle(await craft('[1,2]', payload)), 'bad_header');
    await refusal(decodeBundle(await writeFrame(Uint8Array.of(0x7b, 0xff, 0x7d), payload)), 'bad_header');
    await refusal(decodeBundle(await edited((h) => delete h.name)), 'bad_header');
    await refusal(decodeBundle(await edited((h) => (h.defaults.scope = 'everything'))), 'bad_header');
    await refusal(decodeBundle(await edited((h) => (h.defaults.limits.minLr = 0))), 'bad_header');
    expect(await refusal(decodeBundle(await edited((h) => (h.defaults.guardTolerance = 0.5))), 'bad_header')).toMatch(/guardTolerance/);
    expect(await refusal(decodeBundle(await edited((h) => (h.defaults.guardLossSlack = -1))), 'bad_header')).toMatch(/guardLossSlack must be ≥ 0/);
    expect(await refusal(decodeBundle(await edited((h) => (h.defaults.minContrast = 0))), 'bad_header')).toMatch(/minContrast must be > 0/);
    expect(await refusal(decodeBundle(await edited((h) => (h.defaults.shiftViews = 1.5))), 'bad_header')).toMatch(/shiftViews/);
    expect(await refusal(decodeBundle(await edited((h) => (h.defaults.shiftViews = 9))), 'bad_header')).toMatch(/shiftViews/);
    await refusal(decodeBundle(await edited((h) => (h.provenance.metrics = { acc: 'high' }))), 'bad_header');
    await refusal(decodeBundle(await edited((h) => (h.spec.inputShape = [16.5]))), 'bad_header');
  });

  it('refuses unknown layer kinds and dtypes by name', async () => {
    expect(await refusal(decodeBundle(await edited((h) => (h.spec.body[1].kind = 'gelu'))), 'unsupported_layer')).toMatch(/gelu/);
    expect(await refusal(decodeBundle(await edited((h) => (h.tensors[0].dtype = 'bf16'))), 'unsupported_dtype')).toMatch(/bf16/);
  });

  it('refuses specs whose layers do not fit together', async () => {
    await refusal(decodeBundle(await edited((h) => h.spec.body.unshift({ kind: 'maxPool', size: 2 }))), 'bad_spec');
    await refusal(decodeBundle(await edited((h) => (h.spec.task = 'regression'))), 'bad_spec');
    expect(await refusal(decodeBundle(await edited((h) => (h.defaults.shiftViews = 1))), 'bad_spec')).toMatch(/shiftViews needs .* image inputs/);
    await refusal(decodeBundle(await edited((h) => (h.spec.head = [{ kind: 'relu' }]))), 'bad_spec');
    await refusal(decodeBundle(await edited((h) => h.spec.head.push({ kind: 'relu' }))), 'bad_spec');
    await refusal(decodeBundle(await edited((h) => h.spec.body.push({ kind: 'dense', name: 'fc1', units: 3 }))), 'bad_spec');
  });

  it('refuses tensor tables that disagree with the payload: range, alignment, overlap, duplicates', async () => {
    expect(await refusal(decodeBundle(await edited((h) => (h.tensors[1].offset = 64 * 1000))), 'bad_tensor_table')).toMatch(/run past the payload/);
    await refusal(decodeBundle(await edited((h) => (h.tensors[1].offset = 132))), 'bad_tensor_table');
    expect(await refusal(decodeBundle(await edited((h) => (h.tensors[1].offset = 0))), 'bad_tensor_table')).toMatch(/overlap/);
    await refusal(decodeBundle(await edited((h) => h.tensors.push({ ...h.tensors[0] }))), 'bad_tensor_table');
    await refusal(decodeBundle(await edited((h) => (h.tensors[0].offset = -64))), 'bad_tensor_table');
    await refusal(decodeBundle(await edited((h) => (h.tensors[0].quant = { scale: [1], zeroPoint: [0] }))), 'bad_tensor_table');
  });

  it('refuses shapes that disagree with byte lengths or with the spec', async () => {
    await refusal(decodeBundle(await edited((h) => (h.tensors[0].shape = [33]))), 'shape_mismatch');
    await refusal(decodeBundle(await edited((h) => (h.tensors[1].shape = [32, 16]))), 'shape_mismatch');
    await refusal(decodeBundle(await edited((h) => h.tensors.splice(0, 1))), 'bad_tensor_table');
  });

  it('refuses inconsistent int8 quantization parameters', async () => {
    const int8 = new Uint8Array(readFileSync(new URL('../fixtures/tiny-int8.fsb', import.meta.url)));
    const kernel = (h: Record<string, any>) => h.tensors.find((t: { dtype: string }) => t.dtype === 'int8');
    const setScale = (x: number) => (h: Record<string, any>, p: Uint8Array) => new DataView(p.buffer).setFloat32(kernel(h).offset + 4 * 3, x, true);
    await refusal(decodeBundle(await edited((h) => delete kernel(h).quant.axis, int8)), 'shape_mismatch');
    await refusal(decodeBundle(await edited((h) => (kernel(h).byteLength -= 32), int8)), 'shape_mismatch');
    for (const x of [0, -0.5, NaN, Infinity]) expect(await refusal(decodeBundle(await edited(setScale(x), int8)), 'bad_tensor_table')).toMatch(/scale 3/);
    await refusal(decodeBundle(await edited((h) => (kernel(h).quant.axis = 0), int8)), 'bad_tensor_table');
    await refusal(decodeBundle(await edited((h) => delete kernel(h).quant, int8)), 'bad_tensor_table');
    expect(await refusal(decodeBundle(await edited((h) => (kernel(h).quant.scheme = 'blockwise'), int8)), 'unsupported_feature')).toMatch(/blockwise/);
    // A changed scale with a valid checksum is a different, valid model: the value moves by exactly that scale.
    const a = await decodeBundle(int8);
    const b = await decodeBundle(await edited(setScale(1), int8));
    const i = 3 + 32 * 2;
    expect(b.tensors['body/fc1/kernel']!.data[i]).toBeCloseTo(a.tensors['body/fc1/kernel']!.data[i]! / (await readScale(int8, 3)), 4);
  });

  it('refuses NaN and Infinity stored in f32 and f16 tensors', async () => {
    await refusal(decodeBundle(await edited((_h, p) => new DataView(p.buffer).setFloat32(128 + 8, NaN, true))), 'non_finite');
    const f16 = await encodeBundle(tinyClassifier(), { dtype: 'f16' });
    await refusal(decodeBundle(await edited((_h, p) => new DataView(p.buffer).setUint16(2, 0x7c00, true), f16)), 'non_finite');
  });
});

/** Channel c's stored scale of the int8 kernel in a bundle. */
async function readScale(bytes: Uint8Array, c: number): Promise<number> {
  return (await readBundleHeader(bytes)).header.tensors.find((t) => t.dtype === 'int8')!.quant!.scale[c]!;
}
