import { describe, expect, it } from 'vitest';
import { decodeHead, encodeHead, HeadError } from '../../src/head/index';
import { createRng } from '../../src/util/random';
import type { Head } from '../../src/head/index';

function sampleHead(seed = 1): Head {
  const rng = createRng(seed);
  const f = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * 3);
  return {
    modelId: 'a'.repeat(64),
    task: 'classification',
    labels: ['cat', 7, 'Ünïcode ✓', ''],
    scope: 'head',
    params: { 'head/out/kernel': { shape: [5, 4], data: f(20) }, 'head/out/bias': { shape: [4], data: f(4) } },
  };
}

describe('binary head codec', () => {
  it('round-trips exactly (labels of both kinds, float32 bits, param order)', async () => {
    const head = sampleHead();
    head.params['head/out/bias']!.data[0] = -0;
    head.params['head/out/bias']!.data[1] = 3.4028234663852886e38;
    head.params['head/out/bias']!.data[2] = 1.401298464324817e-45;
    const back = await decodeHead(await encodeHead(head));
    expect(back).toEqual(head);
    expect(Object.is(back.params['head/out/bias']!.data[0], -0)).toBe(true);
    expect(Object.keys(back.params)).toEqual(['head/out/kernel', 'head/out/bias']);
  });

  it('aligns the payload to 16 bytes and ends with a SHA-256 of everything before', async () => {
    const bytes = await encodeHead(sampleHead());
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('FSHD');
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const metaLength = view.getUint32(8, true);
    const payloadAt = Math.ceil((12 + metaLength) / 16) * 16;
    expect(bytes.length).toBe(payloadAt + 24 * 4 + 32);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.subarray(0, bytes.length - 32) as BufferSource));
    expect(bytes.subarray(bytes.length - 32)).toEqual(digest);
  });

  it('is deterministic: same head, same bytes', async () => {
    expect(await encodeHead(sampleHead(3))).toEqual(await encodeHead(sampleHead(3)));
  });

  it('rejects every single-byte corruption with a HeadError, never a partial head', async () => {
    const bytes = await encodeHead(sampleHead());
    const codes = new Set<string>();
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] = bad[i]! ^ 0x5a;
      const err = await decodeHead(bad).then(() => undefined, (e: unknown) => e);
      expect(err, `byte ${i}`).toBeInstanceOf(HeadError);
      codes.add((err as HeadError).code);
    }
    expect([...codes].sort()).toEqual(['bad_magic', 'bad_version', 'checksum']);
  });

  it('rejects every truncation and any appended byte', async () => {
    const bytes = await encodeHead(sampleHead());
    for (let n = 0; n < bytes.length; n++) await expect(decodeHead(bytes.slice(0, n))).rejects.toBeInstanceOf(HeadError);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    await expect(decodeHead(longer)).rejects.toBeInstanceOf(HeadError);
  });

  it('rejects well-checksummed but invalid content (bad meta, sizes that do not add up, non-finite values)', async () => {
    // Re-seal edited bytes with a valid checksum, so the structural checks themselves are exercised.
    const reseal = async (body: Uint8Array): Promise<Uint8Array> => {
      const out = new Uint8Array(body.length + 32);
      out.set(body);
      out.set(new Uint8Array(await crypto.subtle.digest('SHA-256', body as BufferSource)), body.length);
      return out;
    };
    const good = await encodeHead(sampleHead());
    const body = good.subarray(0, good.length - 32);
    const metaLength = new DataView(body.buffer, body.byteOffset).getUint32(8, true);
    const meta = JSON.parse(new TextDecoder().decode(body.subarray(12, 12 + metaLength)));
    const withMeta = async (m: unknown, payloadFloats = 24): Promise<Uint8Array> => {
      const text = new TextEncoder().encode(JSON.stringify(m));
      const at = Math.ceil((12 + text.length) / 16) * 16;
      const b = new Uint8Array(at + payloadFloats * 4);
      b.set(body.subarray(0, 12));
      new DataView(b.buffer).setUint32(8, text.length, true);
      b.set(text, 12);
      return reseal(b);
    };
    const cases: [unknown, number, string][] = [
      [{ ...meta, task: 'ranking' }, 24, 'bad_meta'],
      [{ ...meta, labels: [{}] }, 24, 'bad_meta'],
      [{ ...meta, tensors: [{ name: 'x', shape: [-1] }] }, 24, 'bad_meta'],
      [{ ...meta, tensors: [...meta.tensors, meta.tensors[0]] }, 44, 'bad_meta'],
      [meta, 23, 'bad_payload'],
      [meta, 25, 'bad_payload'],
    ];
    for (const [m, floats, code] of cases) await expect(decodeHead(await withMeta(m, floats))).rejects.toMatchObject({ code });
    const nan = body.slice();
    new DataView(nan.buffer).setFloat32(Math.ceil((12 + metaLength) / 16) * 16, NaN, true);
    await expect(decodeHead(await reseal(nan))).rejects.toMatchObject({ code: 'bad_payload' });
    const notJson = body.slice();
    notJson[12] = 0x7b + 1;
    await expect(decodeHead(await reseal(notJson))).rejects.toMatchObject({ code: 'bad_meta' });
  });
});
