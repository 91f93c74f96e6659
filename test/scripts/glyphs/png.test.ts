import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { crc32, encodeGrayPng } from '../../../scripts/glyphs/png';

describe('tiny PNG encoder', () => {
  it('computes the CRC-32 PNG uses (IEND chunk CRC is AE426082)', () => {
    expect(crc32(new TextEncoder().encode('IEND')).toString(16)).toBe('ae426082');
    expect(crc32(new TextEncoder().encode('123456789')).toString(16)).toBe('cbf43926');
  });

  it('writes signature, IHDR and IDAT whose inflated rows are the pixels behind filter byte 0', () => {
    const px = Uint8Array.from({ length: 3 * 2 }, (_, i) => i * 40);
    const png = encodeGrayPng(px, 3, 2);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([3, 2, 8, 0]);
    const idatLen = png.readUInt32BE(33);
    expect(png.toString('latin1', 37, 41)).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect([...raw]).toEqual([0, 0, 40, 80, 0, 120, 160, 200]);
    expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');
    expect(() => encodeGrayPng(px, 4, 2)).toThrow(/pixel count/);
  });
});
