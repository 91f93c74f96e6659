import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readBundleHeader } from '../../src/bundle/index';
import { refusal } from './craft';

describe('readBundleHeader', () => {
  it('reports sizes, version, id and the tensor table without decoding tensors', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/tiny-int8.fsb', import.meta.url)));
    const info = await readBundleHeader(bytes);
    expect(info.version).toBe('1.0');
    expect(info.bytes).toBe(bytes.length);
    expect(info.id).toMatch(/^[0-9a-f]{64}$/);
    expect(info.bytes).toBe(info.frame.payloadStart + info.payloadBytes + 32);
    expect(info.frame.payloadStart).toBe(Math.ceil((24 + info.headerBytes) / 64) * 64);
    const kernel = info.header.tensors.find((t) => t.name === 'body/fc1/kernel')!;
    expect(kernel).toMatchObject({ dtype: 'int8', shape: [16, 32], byteLength: 5 * 32 + 512 });
    expect(kernel.quant!.axis).toBe(1);
    expect(kernel.quant!.scale).toHaveLength(32);
  });

  it('still verifies the checksum', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/tiny.fsb', import.meta.url)));
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 1;
    await refusal(readBundleHeader(bytes), 'checksum_mismatch');
  });
});
