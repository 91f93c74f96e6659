import { BundleError } from './errors';
import { sha256, toHex } from '../util/sha256';

/**
 * The byte frame of a bundle (docs/bundle-format.md §2):
 *   [0,8) magic · [8,10) major u16 · [10,12) minor u16 · [12,16) header length H u32 ·
 *   [16,24) payload length P u64 · [24,24+H) JSON header · zero padding to S = align(24+H, 64) ·
 *   [S,S+P) payload · [S+P,S+P+32) SHA-256 of bytes [0,S+P). All integers little-endian.
 */
export const MAGIC = Uint8Array.of(0x89, 0x46, 0x53, 0x42, 0x0d, 0x0a, 0x1a, 0x0a);
export const FORMAT_MAJOR = 1;
/** The newest minor version this code reads and writes (1.1: the l2Normalize layer). */
export const FORMAT_MINOR = 1;
export const PRELUDE_BYTES = 24;
export const CHECKSUM_BYTES = 32;
/** Payload start and every tensor offset are multiples of this, so typed-array views need no copy. */
export const ALIGNMENT = 64;

export interface Frame {
  major: number;
  minor: number;
  headerLength: number;
  payloadStart: number;
  payloadLength: number;
  /** Offset of the trailing checksum = bytes covered by it. */
  checksumStart: number;
}

/** Rounds n up to a multiple of ALIGNMENT. */
export function align(n: number): number {
  return Math.ceil(n / ALIGNMENT) * ALIGNMENT;
}

/** Views any accepted input as bytes without copying. */
export function asBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new BundleError('bad_input', 'a bundle must be a Uint8Array or an ArrayBuffer');
}

/** Reads and checks magic, version and lengths; does not touch the checksum or the header JSON. */
export function readFrame(bytes: Uint8Array): Frame {
  for (let i = 0; i < Math.min(MAGIC.length, bytes.length); i++) {
    if (bytes[i] !== MAGIC[i]) throw new BundleError('bad_magic', 'not a fewshot bundle (magic bytes differ)');
  }
  if (bytes.length < PRELUDE_BYTES + CHECKSUM_BYTES) {
    throw new BundleError('truncated', `${bytes.length} bytes is shorter than the smallest bundle (${PRELUDE_BYTES + CHECKSUM_BYTES})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = view.getUint16(8, true);
  const minor = view.getUint16(10, true);
  if (major !== FORMAT_MAJOR) {
    throw new BundleError('unsupported_version', `format version ${major}.${minor}; this reader handles ${FORMAT_MAJOR}.x`);
  }
  const headerLength = view.getUint32(12, true);
  const payloadLength = view.getUint32(16, true) + view.getUint32(20, true) * 2 ** 32;
  const payloadStart = align(PRELUDE_BYTES + headerLength);
  const checksumStart = payloadStart + payloadLength;
  const expected = checksumStart + CHECKSUM_BYTES;
  if (bytes.length < expected) {
    throw new BundleError('truncated', `header says ${expected} bytes (header ${headerLength}, payload ${payloadLength}), file has ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new BundleError('trailing_bytes', `header says ${expected} bytes (header ${headerLength}, payload ${payloadLength}), file has ${bytes.length}`);
  }
  return { major, minor, headerLength, payloadStart, payloadLength, checksumStart };
}

/** Checks the trailing SHA-256 and returns it as the bundle id (lowercase hex). */
export async function verifyChecksum(bytes: Uint8Array, frame: Frame): Promise<string> {
  const digest = await sha256(bytes.subarray(0, frame.checksumStart));
  const stored = bytes.subarray(frame.checksumStart, frame.checksumStart + CHECKSUM_BYTES);
  for (let i = 0; i < CHECKSUM_BYTES; i++) {
    if (digest[i] !== stored[i]) {
      throw new BundleError('checksum_mismatch', `SHA-256 of the content is ${toHex(digest)}, the bundle says ${toHex(stored)}`);
    }
  }
  return toHex(digest);
}

/** Frames a header and a payload into bundle bytes (computing the checksum); the inverse of readFrame. */
export async function writeFrame(header: Uint8Array, payload: Uint8Array, version = { major: FORMAT_MAJOR, minor: FORMAT_MINOR }): Promise<Uint8Array> {
  const payloadStart = align(PRELUDE_BYTES + header.length);
  const checksumStart = payloadStart + payload.length;
  const out = new Uint8Array(checksumStart + CHECKSUM_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint16(8, version.major, true);
  view.setUint16(10, version.minor, true);
  view.setUint32(12, header.length, true);
  view.setUint32(16, payload.length >>> 0, true);
  view.setUint32(20, Math.floor(payload.length / 2 ** 32), true);
  out.set(header, PRELUDE_BYTES);
  out.set(payload, payloadStart);
  out.set(await sha256(out.subarray(0, checksumStart)), checksumStart);
  return out;
}
