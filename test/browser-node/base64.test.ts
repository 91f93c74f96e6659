import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../browser/base64';

describe('base64 (heads through JSON)', () => {
  it('matches Node’s encoder and round-trips, including inputs longer than one chunk', () => {
    for (const n of [0, 1, 2, 3, 255, 0x8000 + 7, 100_000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 255);
      const b64 = bytesToBase64(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(b64)).toEqual(bytes);
    }
  });
});
