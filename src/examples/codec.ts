import { F16_MAX, dequantizeF16, quantizeF16 } from '../bundle/f16';

/**
 * How one stored example's input is kept (docs/api.md, "Stored examples"):
 *   u8  — image inputs (a model whose input has rank ≥ 2, e.g. 28×28×1) with every value in [0, 1]:
 *         round(v · 255), 1 byte a value. The glyph dataset and the browser's stroke rasteriser
 *         produce exactly these k/255 levels, so for them it is lossless.
 *   f16 — everything else in the binary16 range (embeddings, vectors): 2 bytes a value, relative
 *         error ≤ 2⁻¹¹ (src/bundle/f16.ts).
 *   f32 — a row with a value beyond ±65504 (binary16 cannot hold it): 4 bytes a value.
 * Heads are always adapted from the decoded values, so a stored example adapts the same way
 * wherever it is decoded (worker, Node, browser), and an exported example re-encodes to itself.
 */
export type ExampleEncoding = 'u8' | 'f16' | 'f32';

export const ENCODINGS: readonly ExampleEncoding[] = ['u8', 'f16', 'f32'];

export interface EncodedInput {
  enc: ExampleEncoding;
  data: Uint8Array;
}

/** Whether a model's inputs are images (u8 storage applies): an input shape of rank ≥ 2. */
export const isImageShape = (inputShape: readonly number[]): boolean => inputShape.length >= 2;

/** Picks the encoding for one row (finite numbers, checked by the caller). */
export function encodingFor(row: readonly number[], image: boolean): ExampleEncoding {
  if (image && row.every((v) => v >= 0 && v <= 1)) return 'u8';
  return row.every((v) => Math.abs(v) <= F16_MAX) ? 'f16' : 'f32';
}

const bytesOf = (a: Uint16Array | Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Encodes one input row (little-endian, as every runtime we target stores typed arrays). */
export function encodeInput(row: readonly number[], image: boolean): EncodedInput {
  const enc = encodingFor(row, image);
  if (enc === 'u8') return { enc, data: Uint8Array.from(row, (v) => Math.round(v * 255)) };
  if (enc === 'f16') return { enc, data: bytesOf(quantizeF16(Float32Array.from(row))) };
  return { enc, data: bytesOf(Float32Array.from(row)) };
}

/** Values per stored input of this encoding and byte length (null: the length does not fit the encoding). */
export function valueCount(enc: ExampleEncoding, byteLength: number): number | null {
  const size = enc === 'u8' ? 1 : enc === 'f16' ? 2 : 4;
  return byteLength % size === 0 ? byteLength / size : null;
}

/** Decodes one stored input back to numbers (exactly what every later adapt sees). */
export function decodeInput(enc: ExampleEncoding, data: Uint8Array): number[] {
  // A copy: the stored bytes may sit at an offset a Uint16Array/Float32Array view cannot start at.
  const copy = data.slice();
  if (enc === 'u8') return Array.from(copy, (k) => k / 255);
  if (enc === 'f16') return Array.from(dequantizeF16(new Uint16Array(copy.buffer, 0, copy.length >> 1)));
  return Array.from(new Float32Array(copy.buffer, 0, copy.length >> 2));
}
