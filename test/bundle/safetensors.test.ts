import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BundleError } from '../../src/bundle/index';
import { parseSafetensors, tensorF32 } from '../../src/bundle/safetensors';
import { createRng } from '../../src/util/random';

const original = new Uint8Array(readFileSync(new URL('../fixtures/torch/mlp.safetensors', import.meta.url)));

/** Parses and decodes every tensor; returns 'ok' or the BundleError code. Anything else thrown fails the test. */
function outcome(bytes: Uint8Array): string {
  try {
    const st = parseSafetensors(bytes);
    for (const name of st.entries.keys()) if (st.entries.get(name)!.dtype !== 'I64') tensorF32(st, name);
    return 'ok';
  } catch (e) {
    if (e instanceof BundleError) return e.code;
    throw e;
  }
}

describe('safetensors reader under corruption', () => {
  it('every truncation and 3,000 seeded byte mutations give a typed refusal or a consistent file, never another exception', () => {
    const codes = new Map<string, number>();
    const count = (c: string) => codes.set(c, (codes.get(c) ?? 0) + 1);
    for (let n = 0; n < original.length; n++) {
      const c = outcome(original.subarray(0, n));
      expect(c).not.toBe('ok'); // a cut file never passes: the tensors must tile the buffer exactly
      count(c);
    }
    const rng = createRng(2026);
    for (let i = 0; i < 3000; i++) {
      const b = original.slice();
      const flips = 1 + rng.int(3);
      for (let f = 0; f < flips; f++) b[rng.int(b.length)] = rng.int(256);
      count(outcome(b));
    }
    expect(codes.get('safetensors_invalid')).toBeGreaterThan(0);
    expect(outcome(original)).toBe('ok');
  });
});
