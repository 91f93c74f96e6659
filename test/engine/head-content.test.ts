import { describe, expect, it } from 'vitest';
import { headContent, sameHead } from '../../src/engine/head-content';
import type { Head } from '../../src/head/head';

const head = (over: Partial<Head> = {}): Head => ({
  modelId: 'm',
  task: 'classification',
  labels: ['a', 'b'],
  scope: 'late',
  shots: 2,
  params: {
    'body/conv/kernel': { shape: [2, 2], data: Float32Array.of(1, -2, 0.5, 3) },
    'head/out/bias': { shape: [2], data: Float32Array.of(0, 1) },
  },
  ...over,
});

/** `h` with one float of one param replaced by the float32 whose bits are `bits`. */
function withBits(h: Head, name: string, i: number, bits: number): Head {
  const data = h.params[name]!.data.slice();
  new Uint32Array(data.buffer)[i] = bits;
  return { ...h, params: { ...h.params, [name]: { shape: h.params[name]!.shape, data } } };
}

describe('head content (what a head cache entry is found by)', () => {
  it('matches the same head in another object, with params in another order', () => {
    const h = head();
    const c = headContent(h);
    expect(sameHead(c, head())).toBe(true);
    const reordered = { ...h, params: { 'head/out/bias': h.params['head/out/bias']!, 'body/conv/kernel': h.params['body/conv/kernel']! } };
    expect(sameHead(c, reordered)).toBe(true);
  });

  it('tells apart every change to what the head id covers', () => {
    const c = headContent(head());
    const bits = (v: number) => new Uint32Array(Float32Array.of(v).buffer)[0]!;
    const others: [string, Head][] = [
      ['one ulp', withBits(head(), 'body/conv/kernel', 1, bits(-2) + 1)],
      ['-0 for +0', withBits(head(), 'head/out/bias', 0, 0x80000000)],
      ['model', head({ modelId: 'n' })],
      ['task', head({ task: 'regression' })],
      ['scope', head({ scope: 'film' })],
      ['label text', head({ labels: ['a', 'c'] })],
      ['label kind', head({ labels: ['a', 1] })],
      ['label order', head({ labels: ['b', 'a'] })],
      ['shots', head({ shots: 3 })],
      ['no shots', head({ shots: undefined })],
      ['shape', { ...head(), params: { ...head().params, 'body/conv/kernel': { shape: [4, 1], data: Float32Array.of(1, -2, 0.5, 3) } } }],
      ['param name', { ...head(), params: { 'body/conv/kernel': head().params['body/conv/kernel']!, 'head/out/kernel': head().params['head/out/bias']! } }],
      ['one param fewer', { ...head(), params: { 'head/out/bias': head().params['head/out/bias']! } }],
    ];
    for (const [what, h] of others) expect(sameHead(c, h), what).toBe(false);
  });

  it('is a copy: changing the head afterwards does not change what was taken', () => {
    const h = head();
    const c = headContent(h);
    h.params['body/conv/kernel']!.data[0] = 9;
    expect(sameHead(c, h)).toBe(false);
    expect(sameHead(c, head())).toBe(true);
    expect(c.floats).toBe(6);
  });

  it('compares bits, so one NaN payload matches itself (a float compare would not)', () => {
    const nan = withBits(head(), 'head/out/bias', 1, 0x7fc00001);
    expect(sameHead(headContent(nan), withBits(head(), 'head/out/bias', 1, 0x7fc00001))).toBe(true);
    expect(sameHead(headContent(nan), withBits(head(), 'head/out/bias', 1, 0x7fc00002))).toBe(false);
  });
});
