import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BundleError, dequantizeInt8, int8ErrorBound, quantizeInt8 } from '../../src/bundle/index';

const floats = fc.float({ min: -1e4, max: 1e4, noNaN: true, noDefaultInfinity: true });

describe('int8 affine quantization', () => {
  it('keeps every value within s·(0.5 + 2^-15) + 2^-24·|x| of its channel scale, and zero exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(floats, { minLength: 1, maxLength: 60 }), (channels, raw) => {
        // Whole rows of `channels` values, plus one row of zeros so exact zeros are always checked.
        const values = Float32Array.from([...raw.slice(0, raw.length - (raw.length % channels)), ...new Array<number>(channels).fill(0)]);
        const q = quantizeInt8(values, channels);
        const back = dequantizeInt8(q.data, q.scale, q.zeroPoint);
        values.forEach((x, i) => {
          const c = i % channels;
          expect(Math.abs(x - back[i]!)).toBeLessThanOrEqual(int8ErrorBound(x, q.scale[c]!));
          if (x === 0) expect(back[i]).toBe(0);
        });
        q.scale.forEach((s) => expect(Math.fround(s)).toBe(s));
        q.zeroPoint.forEach((z) => expect(Number.isInteger(z) && z >= -128 && z <= 127).toBe(true));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('uses the full code range: the channel extremes map to -128 and 127', () => {
    const q = quantizeInt8(Float32Array.of(-1, 0.25, 3, -2, 0, 0.5), 3);
    expect(q.scale).toEqual([Math.fround(2 / 255), Math.fround(0.25 / 255), Math.fround(3 / 255)]);
    expect(Math.min(...q.data.filter((_, i) => i % 3 === 0))).toBe(-128);
    expect(Math.max(...q.data.filter((_, i) => i % 3 === 2))).toBe(127);
  });

  it('per-channel scales beat one scale for channels of very different magnitude', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? 100 : 0.01) * Math.sin(i));
    const err = (channels: number): number => {
      const q = quantizeInt8(values, channels);
      const back = dequantizeInt8(q.data, q.scale, q.zeroPoint);
      return Math.max(...values.filter((_, i) => i % 2 === 1).map((x, k) => Math.abs(x - back[2 * k + 1]!)));
    };
    expect(err(2)).toBeLessThan(err(1) / 100);
  });

  it('handles all-zero and constant channels without dividing by zero', () => {
    const q = quantizeInt8(Float32Array.of(0, 5, 0, 5, 0, 5), 2);
    expect(Array.from(dequantizeInt8(q.data, q.scale, q.zeroPoint))).toEqual([0, 5, 0, 5, 0, 5]);
    expect(q.scale.every((s) => s > 0 && Number.isFinite(s))).toBe(true);
  });

  it('refuses non-finite values and a channel count that does not divide the length', () => {
    expect(() => quantizeInt8(Float32Array.of(1, NaN))).toThrow(BundleError);
    expect(() => quantizeInt8(Float32Array.of(1, 2, 3), 2)).toThrow(/3 values into 2 channels/);
  });
});
