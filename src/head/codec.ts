import { HeadError } from './head';
import { checkHeadMeta, checkShape } from './validate';
import type { Head } from './head';
import type { NamedTensor } from '../spec/model-spec';

export { headFromJson, headToJson } from './json';
export type { HeadJson } from './json';

/**
 * Binary head format v1 (little-endian, runtime-neutral: Node, workerd, browsers):
 *   0  "FSHD"  magic
 *   4  u16     version (1)
 *   6  u16     flags (0)
 *   8  u32     byte length of the UTF-8 JSON meta {modelId, task, labels, scope, tensors: [{name, shape}]}
 *  12  meta, then zero padding to a multiple of 16 so the payload can be viewed as f32 in place
 *      payload: every tensor's f32 values, in meta order
 *  end 32 bytes: SHA-256 of everything before it
 */
const MAGIC = [0x46, 0x53, 0x48, 0x44];
const VERSION = 1;
const HEADER = 12;
const DIGEST = 32;

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

async function digest(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

/** Encodes a head to the compact checksummed binary form (KV cache, IndexedDB). */
export async function encodeHead(head: Head): Promise<Uint8Array> {
  const entries = Object.entries(head.params);
  const tensors = entries.map(([name, t]) => ({ name, shape: [...t.shape] }));
  const shots = head.shots === undefined ? {} : { shots: head.shots };
  const meta = new TextEncoder().encode(JSON.stringify({ modelId: head.modelId, task: head.task, labels: head.labels, scope: head.scope, ...shots, tensors }));
  const payloadAt = align16(HEADER + meta.length);
  const floats = entries.reduce((s, [, t]) => s + t.data.length, 0);
  const body = payloadAt + floats * 4;
  const out = new Uint8Array(body + DIGEST);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint16(4, VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, meta.length, true);
  out.set(meta, HEADER);
  let at = payloadAt;
  for (const [, t] of entries) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i]!, true);
  }
  out.set(await digest(out.subarray(0, body)), body);
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * `size` little-endian floats at `at`, as an array of their own. On a little-endian host (every
 * runtime we run on) one copy of the bytes: a head is decoded on every predict request, and a
 * `getFloat32` per value cost ~0.14 ms of the ~0.22 ms decode of the default model's head in Node.
 */
function readFloats(bytes: Uint8Array, view: DataView, at: number, size: number): Float32Array {
  if (LITTLE_ENDIAN) return new Float32Array(bytes.slice(at, at + size * 4).buffer);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = view.getFloat32(at + i * 4, true);
  return data;
}

function allFinite(data: Float32Array): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return false;
  return true;
}

/** Decodes a binary head; throws HeadError on any corruption and never returns a partial head. */
export async function decodeHead(bytes: Uint8Array): Promise<Head> {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER + DIGEST) throw new HeadError('truncated', `${bytes?.length ?? 0} bytes is too short for a head`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new HeadError('bad_magic', 'not a fewshot head (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== VERSION) throw new HeadError('bad_version', `unsupported head version ${version}`);
  const body = bytes.length - DIGEST;
  const want = await digest(bytes.subarray(0, body));
  if (!want.every((b, i) => bytes[body + i] === b)) throw new HeadError('checksum', 'checksum mismatch (corrupt or truncated head)');
  const metaLength = view.getUint32(8, true);
  if (HEADER + metaLength > body) throw new HeadError('truncated', 'meta runs past the end');
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes.subarray(HEADER, HEADER + metaLength)));
  } catch (e) {
    throw new HeadError('bad_meta', `meta is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const meta = checkHeadMeta(raw, 'bad_meta');
  const list = (raw as { tensors?: unknown }).tensors;
  if (!Array.isArray(list)) throw new HeadError('bad_meta', 'tensors must be an array');
  let at = align16(HEADER + metaLength);
  const params: Record<string, NamedTensor> = {};
  for (const entry of list as { name?: unknown; shape?: unknown }[]) {
    const name = entry?.name;
    if (typeof name !== 'string' || name in params) throw new HeadError('bad_meta', `bad or duplicate tensor name ${JSON.stringify(name)}`);
    const size = checkShape(entry.shape, 'bad_meta', name);
    if (at + size * 4 > body) throw new HeadError('bad_payload', `tensor ${name} runs past the payload`);
    const data = readFloats(bytes, view, at, size);
    at += size * 4;
    if (!allFinite(data)) throw new HeadError('bad_payload', `tensor ${name} has non-finite values`);
    params[name] = { shape: [...(entry.shape as number[])], data };
  }
  if (at !== body) throw new HeadError('bad_payload', `${body - at} unexplained payload bytes`);
  return { ...meta, params };
}
