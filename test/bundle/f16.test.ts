import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BundleError, dequantizeF16, f16ErrorBound, F16_MAX, quantizeF16 } from '../../src/bundle/index';

const roundTrip = (x: number): number => dequantizeF16(quantizeF16(Float32Array.of(x)))[0]!;
const bitsOf = (x: number): number => quantizeF16(Float32Array.of(x))[0]!;

describe('f16 quantization', () => {
  it('encodes known values to their IEEE binary16 bit patterns', () => {
    expect([1, -2, 0.5, 65504, 2 ** -14, 2 ** -24, 0, -0, 1 / 3].map(bitsOf)).toEqual([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0400, 0x0001, 0, 0x8000, 0x3555]);
  });

  it('decodes every one of the 63488 finite bit patterns back to itself (the format is exact for binary16 values)', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i).filter((h) => (h & 0x7c00) !== 0x7c00);
    expect(all.length).toBe(63488);
    expect(quantizeF16(dequantizeF16(all))).toEqual(all);
  });

  it('rounds ties to even', () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: even mantissa (1) wins; 1 + 3·2^-11 goes up to 1 + 2^-9.
    expect(roundTrip(1 + 2 ** -11)).toBe(1);
    expect(roundTrip(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(roundTrip(2 ** -25)).toBe(0);
    expect(roundTrip(3 * 2 ** -25)).toBe(2 ** -23);
  });

  it('stays within max(2^-11·|x|, 2^-25) and picks the nearest binary16 value', () => {
    fc.assert(
      fc.property(fc.float({ min: -F16_MAX, max: F16_MAX, noNaN: true }), (x) => {
        const y = roundTrip(x);
        expect(Math.abs(x - y)).toBeLessThanOrEqual(f16ErrorBound(x));
        const h = bitsOf(x);
        for (const n of [h - 1, h + 1]) {
          const other = dequantizeF16(Uint16Array.of(n & 0xffff))[0]!;
          if (Number.isFinite(other) && Math.sign(other) === Math.sign(y)) expect(Math.abs(x - other)).toBeGreaterThanOrEqual(Math.abs(x - y));
        }
      }),
      { numRuns: 20000, seed: 42 },
    );
  });

  it('refuses non-finite values and magnitudes beyond 65504 instead of producing Infinity', () => {
    for (const [x, code] of [[NaN, 'non_finite'], [Infinity, 'non_finite'], [65520, 'out_of_range'], [-1e6, 'out_of_range']] as const) {
      const err = (() => {
        try {
          quantizeF16(Float32Array.of(0, x));
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(BundleError);
      expect((err as BundleError).code).toBe(code);
      expect((err as BundleError).message).toContain('index 1');
    }
    // 65519 is below the rounding midpoint to Infinity and rounds down to the largest half.
    expect(roundTrip(65519)).toBe(65504);
  });
});
