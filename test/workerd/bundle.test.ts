import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BundleError, decodeBundle, encodeBundle, quantizeBundle } from '../../src/bundle/index';
import { sha256Hex } from '../../src/util/sha256';
import { initWorkerdBackend } from '../../wasm/workerd';
import { tinyClassifier, tinySine } from '../bundle/fixture-models';
// wrangler's Data rule imports .fsb files as ArrayBuffers: the bytes Node wrote, read by workerd.
import tiny from '../fixtures/tiny.fsb';
import tinyInt8 from '../fixtures/tiny-int8.fsb';
import tinySineBytes from '../fixtures/tiny-sine.fsb';

const FILES = { tiny: { bytes: tiny, make: tinyClassifier }, sine: { bytes: tinySineBytes, make: tinySine } };

describe('bundles in workerd', () => {
  for (const [label, { bytes, make }] of Object.entries(FILES)) {
    it(`decodes the Node-written ${label} fixture to the seeded model, with the id recomputed here`, async () => {
      const m = await decodeBundle(bytes);
      expect(m.id).toBe(await sha256Hex(new Uint8Array(bytes, 0, bytes.byteLength - 32)));
      const want = make();
      expect(m.spec).toEqual(want.spec);
      expect(m.defaults).toEqual(want.defaults);
      expect(Object.keys(m.tensors).sort()).toEqual(Object.keys(want.tensors).sort());
      for (const [name, t] of Object.entries(want.tensors)) expect(m.tensors[name]!.data).toEqual(t.data);
    });

    it(`re-encodes the ${label} model to the very bytes Node wrote (the format is runtime-independent)`, async () => {
      expect(await encodeBundle(make())).toEqual(new Uint8Array(bytes));
    });
  }

  it('quantizes to int8 exactly as Node did, and decodes those bytes to the same values', async () => {
    const here = await encodeBundle(tinyClassifier(), { dtype: 'int8' });
    expect(here).toEqual(new Uint8Array(tinyInt8));
    const a = await decodeBundle(here);
    const b = await decodeBundle(tinyInt8);
    expect(a.id).toBe(b.id);
    for (const name of Object.keys(a.tensors)) expect(b.tensors[name]!.data).toEqual(a.tensors[name]!.data);
    const requantized = await decodeBundle(await quantizeBundle(tiny, 'int8'));
    expect(requantized.tensors['body/fc1/kernel']!.data).toEqual(b.tensors['body/fc1/kernel']!.data);
  });

  it('refuses corrupted bytes with BundleError here too', async () => {
    const flipped = new Uint8Array(tiny.slice(0));
    flipped[500] = flipped[500]! ^ 0x10;
    const errors = await Promise.all([flipped, new Uint8Array(tiny, 0, 100), new Uint8Array(8)].map((b) => decodeBundle(b).catch((e: unknown) => e)));
    expect(errors.every((e) => e instanceof BundleError)).toBe(true);
    expect(errors.map((e) => (e as BundleError).code)).toEqual(['checksum_mismatch', 'truncated', 'bad_magic']);
  });

  it('hands the decoded tensors to tfjs on the wasm backend without leaking', async () => {
    await initWorkerdBackend();
    const before = tf.memory().numTensors;
    const m = await decodeBundle(tinySineBytes);
    const y = tf.tidy(() => {
      const p = (n: string) => tf.tensor(m.tensors[n]!.data, m.tensors[n]!.shape);
      const h = tf.relu(tf.add(tf.matMul(tf.tensor2d([[0.5], [-1]]), p('body/fc1/kernel')), p('body/fc1/bias')));
      return tf.add(tf.matMul(h, p('head/out/kernel')), p('head/out/bias'));
    });
    const got = Array.from(await y.data());
    y.dispose();
    const t = m.tensors;
    const expected = [0.5, -1].map((x) => t['head/out/bias']!.data[0]! + Array.from({ length: 8 }, (_, j) => Math.max(0, x * t['body/fc1/kernel']!.data[j]! + t['body/fc1/bias']!.data[j]!) * t['head/out/kernel']!.data[j]!).reduce((a, b) => a + b, 0));
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect(tf.memory().numTensors).toBe(before);
  });
});
