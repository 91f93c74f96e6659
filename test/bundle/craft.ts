import { expect } from 'vitest';
import { readFrame, writeFrame, PRELUDE_BYTES } from '../../src/bundle/layout';
import { BundleError } from '../../src/bundle/index';

/** Splits bundle bytes into its header JSON (parsed) and payload, to build variants with a valid checksum. */
export function unpack(bytes: Uint8Array): { header: Record<string, any>; payload: Uint8Array } {
  const f = readFrame(bytes);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PRELUDE_BYTES, PRELUDE_BYTES + f.headerLength)));
  return { header, payload: bytes.slice(f.payloadStart, f.payloadStart + f.payloadLength) };
}

/** Frames an arbitrary header (object or raw text) and payload with a correct checksum. */
export function craft(header: object | string, payload: Uint8Array, version?: { major: number; minor: number }): Promise<Uint8Array> {
  return writeFrame(new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header)), payload, version);
}

/** Awaits a promise expected to reject with a BundleError of `code`; returns its message. */
export async function refusal(p: Promise<unknown>, code: string): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected a BundleError ${code}`).toBeInstanceOf(BundleError);
  expect((e as BundleError).code, (e as Error).message).toBe(code);
  return (e as BundleError).message;
}
