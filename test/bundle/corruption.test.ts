import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BundleError, decodeBundle } from '../../src/bundle/index';

const load = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const tiny = load('tiny.fsb');
const FIXTURES = ['tiny.fsb', 'tiny-int8.fsb', 'tiny-sine.fsb'];

/** Decodes and reports the refusal code, or 'ok'; any exception other than BundleError fails the test. */
async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    await decodeBundle(bytes);
    return 'ok';
  } catch (e) {
    if (!(e instanceof BundleError)) throw new Error(`non-BundleError ${String(e)} for input of ${bytes.length} bytes`);
    return e.code;
  }
}

/** Flips one bit in place (flipping it again restores the byte). */
const flip = (bytes: Uint8Array, bit: number): void => {
  bytes[bit >> 3] = bytes[bit >> 3]! ^ (1 << (bit & 7));
};

const tally = (codes: string[]): Record<string, number> => codes.reduce<Record<string, number>>((a, c) => ((a[c] = (a[c] ?? 0) + 1), a), {});

describe('corrupted bundles are refused with BundleError, never a crash', () => {
  for (const name of FIXTURES) {
    const bytes = load(name);
    it(`refuses every single-bit flip of ${name} (${bytes.length * 8} flips, exhaustive)`, async () => {
      const codes: string[] = [];
      const copy = bytes.slice();
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        flip(copy, bit);
        codes.push(await outcome(copy));
        flip(copy, bit);
      }
      const t = tally(codes);
      expect(t.ok).toBeUndefined();
      expect(codes).toHaveLength(bytes.length * 8);
      // Every region is hit: magic, version, lengths, checksum-covered content, the checksum itself.
      expect(Object.keys(t).sort()).toEqual(['bad_magic', 'checksum_mismatch', 'trailing_bytes', 'truncated', 'unsupported_version']);
      expect(t.bad_magic).toBe(64);
      expect(t.unsupported_version).toBe(16);
    });
  }

  it(`refuses every truncation of tiny.fsb (${tiny.length} lengths, exhaustive) and every appended tail`, async () => {
    const codes: string[] = [];
    for (let n = 0; n < tiny.length; n++) codes.push(await outcome(tiny.subarray(0, n)));
    expect(new Set(codes)).toEqual(new Set(['truncated']));
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 256 }), async (tail) => {
        const longer = new Uint8Array(tiny.length + tail.length);
        longer.set(tiny);
        longer.set(tail, tiny.length);
        expect(await outcome(longer)).toBe('trailing_bytes');
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('refuses random bytes, random bytes behind a valid magic, and random byte rewrites', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (junk, withMagic) => {
        const bytes = withMagic ? Uint8Array.from([...tiny.subarray(0, 12), ...junk]) : junk;
        expect(await outcome(bytes)).not.toBe('ok');
      }),
      { numRuns: 2000, seed: 12 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(tiny.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), async (edits) => {
        const copy = tiny.slice();
        for (const [at, x] of edits) copy[at] = copy[at]! ^ x;
        expect(await outcome(copy)).not.toBe('ok');
      }),
      { numRuns: 2000, seed: 13 },
    );
  });

  for (const name of FIXTURES) {
    it(`with the checksum recomputed, every bit flip before the trailer of ${name} gives a valid model or a BundleError (exhaustive)`, async () => {
      // The structural checks must hold on their own: a writer bug or a malicious file has a valid checksum.
      const bytes = load(name);
      const end = bytes.length - 32;
      const codes: string[] = [];
      const copy = bytes.slice();
      for (let bit = 0; bit < end * 8; bit++) {
        flip(copy, bit);
        copy.set(createHash('sha256').update(copy.subarray(0, end)).digest(), end);
        codes.push(await outcome(copy));
        flip(copy, bit);
      }
      const t = tally(codes);
      expect(codes).toHaveLength(end * 8);
      expect(t.checksum_mismatch).toBeUndefined();
      expect(t.bad_header).toBeGreaterThan(0);
      expect(t.bad_tensor_table).toBeGreaterThan(0);
      expect(t.ok).toBeGreaterThan(0);
    });
  }
});
