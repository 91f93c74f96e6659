import { describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle, int8ErrorBound, quantizeBundle, readBundleHeader } from '../../src/bundle/index';
import { convModel, tinySine } from './fixture-models';

describe('quantizeBundle', () => {
  it('shrinks the ~100k-parameter conv bundle to ≤ 0.3× (int8) and ≈ 0.5× (f16) of f32, header included', async () => {
    const f32 = await encodeBundle(convModel());
    const int8 = await quantizeBundle(f32, 'int8');
    const f16 = await quantizeBundle(f32, 'f16');
    expect(int8.length / f32.length).toBeLessThanOrEqual(0.3);
    expect(f16.length / f32.length).toBeGreaterThan(0.45);
    expect(f16.length / f32.length).toBeLessThanOrEqual(0.52);
  });

  it('records the source bundle id and keeps everything but the stored dtypes', async () => {
    const f32 = await encodeBundle(tinySine());
    const src = await decodeBundle(f32);
    const q = await decodeBundle(await quantizeBundle(f32, 'int8'));
    expect(q.provenance.quantizedFrom).toBe(src.id);
    expect(q.id).not.toBe(src.id);
    expect(q.spec).toEqual(src.spec);
    expect(q.defaults).toEqual(src.defaults);
    expect(q.storage!.dtypes['body/fc1/kernel']).toBe('int8');
    expect(q.storage!.dtypes['lr/body/fc1/kernel']).toBe('f32');
    expect(q.tensors['lr/head/out/bias']!.data).toEqual(src.tensors['lr/head/out/bias']!.data);
    const info = await readBundleHeader(await quantizeBundle(f32, 'int8'));
    const entry = info.header.tensors.find((t) => t.name === 'head/out/kernel')!;
    src.tensors['head/out/kernel']!.data.forEach((x, i) => {
      expect(Math.abs(x - q.tensors['head/out/kernel']!.data[i]!)).toBeLessThanOrEqual(int8ErrorBound(x, entry.quant!.scale[0]!));
    });
  });

  it('is idempotent on its grid: quantizing an int8 bundle to int8 again keeps the values', async () => {
    const once = await quantizeBundle(await encodeBundle(convModel()), 'int8');
    const twice = await quantizeBundle(once, 'int8');
    const a = await decodeBundle(once);
    const b = await decodeBundle(twice);
    for (const name of Object.keys(a.tensors)) {
      const x = a.tensors[name]!.data;
      const y = b.tensors[name]!.data;
      const maxAbs = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const worst = x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
      expect(worst, name).toBeLessThanOrEqual(maxAbs * 1e-6);
    }
  });
});
