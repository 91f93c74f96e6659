// Decode cost of a real bundle (the embedded default): checksum (SHA-256 of the whole file), header
// parsing and validation, tensor views/dequantization, finiteness checks.
import { decodeBundle, readBundleHeader } from '../../src/bundle/index';
import { timeCalls, timeOptions } from './stats';
import type { Stats } from './stats';

export interface DecodeResult {
  bytes: number;
  /** decodeBundle: everything the worker runs once per isolate before createModel. */
  decode_ms: Stats;
  /** readBundleHeader: checksum + header only. */
  header_ms: Stats;
  /** crypto.subtle.digest('SHA-256') of the same bytes alone. */
  sha256_ms: Stats;
}

/** Times decoding `bytes` (a .fsb file) in the current runtime. */
export async function benchDecode(bytes: Uint8Array, opts: { quick: boolean }): Promise<DecodeResult> {
  const t = timeOptions(opts.quick);
  return {
    bytes: bytes.byteLength,
    decode_ms: await timeCalls(() => decodeBundle(bytes), t),
    header_ms: await timeCalls(() => readBundleHeader(bytes), t),
    sha256_ms: await timeCalls(() => crypto.subtle.digest('SHA-256', bytes as BufferSource), t),
  };
}
