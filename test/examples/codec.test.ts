import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeInput, encodeInput, encodingFor, isImageShape, valueCount } from '../../src/examples/codec';
import { f16ErrorBound } from '../../src/bundle/f16';

describe('stored example encoding', () => {
  it('images in [0,1] are u8: the k/255 levels of the dataset and the stroke rasteriser come back exactly', () => {
    const row = Array.from({ length: 784 }, (_, i) => (i * 37) % 256 / 255);
    const e = encodeInput(row, true);
    expect(e.enc).toBe('u8');
    expect(e.data.byteLength).toBe(784);
    expect(decodeInput(e.enc, e.data)).toEqual(row);
    // Off-grid values are rounded to the nearest level (≤ 1/510 away).
    const off = decodeInput('u8', encodeInput([0.251, 0.9999], true).data);
    expect(off).toEqual([64 / 255, 1]);
  });

  it('vectors, and images outside [0,1], are f16 within its bound; beyond ±65504 they are f32', () => {
    expect(isImageShape([28, 28, 1])).toBe(true);
    expect(isImageShape([384])).toBe(false);
    expect(encodingFor([0.5, 1], false)).toBe('f16');
    expect(encodingFor([0.5, 1.5], true)).toBe('f16');
    expect(encodingFor([1e5, 0], false)).toBe('f32');
    fc.assert(
      fc.property(fc.array(fc.float({ min: -60000, max: 60000, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 64 }), (row) => {
        const e = encodeInput(row, false);
        expect(e.enc).toBe('f16');
        expect(valueCount(e.enc, e.data.byteLength)).toBe(row.length);
        const back = decodeInput(e.enc, e.data);
        back.forEach((v, i) => expect(Math.abs(v - row[i]!)).toBeLessThanOrEqual(f16ErrorBound(row[i]!)));
        // Re-encoding what was decoded is the identity: an exported example imports as itself.
        expect(decodeInput('f16', encodeInput(back, false).data)).toEqual(back);
      }),
      { seed: 21, numRuns: 200 },
    );
    const big = [1e6, -3.25, 7e-8];
    const e = encodeInput(big, false);
    expect(e.enc).toBe('f32');
    expect(decodeInput(e.enc, e.data)).toEqual(big.map(Math.fround));
  });

  it('decodes from any byte offset (stored bytes are often a view into a larger buffer)', () => {
    const e = encodeInput([1.5, -2.25, 3], false);
    const padded = new Uint8Array(e.data.byteLength + 1);
    padded.set(e.data, 1);
    expect(decodeInput('f16', padded.subarray(1))).toEqual([1.5, -2.25, 3]);
  });
});
