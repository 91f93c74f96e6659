import type { AdaptationDefaults, ModelSpec, Provenance } from '../spec/model-spec';
import { BundleError } from './errors';
import { asBytes, PRELUDE_BYTES, readFrame, verifyChecksum } from './layout';
import type { Frame } from './layout';
import { arr, obj, str } from './json-checks';
import { parseSpec } from './parse-spec';
import { parseDefaults, parseProvenance } from './parse-defaults';
import { parseTensorTable } from './tensor-table';
import type { TensorEntry } from './tensor-table';
import { specShapes } from './spec-shapes';
import { checkDefaults, checkTensorNames } from './check-model';

/** Optional features a reader must understand to use the bundle; this reader knows none yet (v1.0). */
export const KNOWN_FEATURES: readonly string[] = [];

/** The JSON header, validated. */
export interface BundleHeader {
  name: string;
  spec: ModelSpec;
  defaults: AdaptationDefaults;
  provenance: Provenance;
  tensors: TensorEntry[];
  requires?: string[];
}

/** Everything about a bundle short of its tensor values. */
export interface BundleInfo {
  /** Lowercase hex SHA-256 of everything before the trailer (= the stored, verified checksum). */
  id: string;
  version: string;
  bytes: number;
  headerBytes: number;
  payloadBytes: number;
  frame: Frame;
  header: BundleHeader;
}

/** Parses and validates the header JSON: schema, spec consistency, tensor table against payload and spec. */
export function parseHeader(json: Uint8Array, payload: Uint8Array): BundleHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(json));
  } catch (e) {
    throw new BundleError('bad_header', `header is not UTF-8 JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const o = obj(raw, 'header');
  const requires = o.requires === undefined ? undefined : arr(o.requires, 'requires').map((f, i) => str(f, `requires[${i}]`, 128));
  const unknown = requires?.filter((f) => !KNOWN_FEATURES.includes(f)) ?? [];
  if (unknown.length > 0) throw new BundleError('unsupported_feature', `bundle requires ${unknown.join(', ')}, which this reader does not implement`);
  const header: BundleHeader = {
    name: str(o.name, 'name', 256),
    spec: parseSpec(o.spec),
    defaults: parseDefaults(o.defaults),
    provenance: parseProvenance(o.provenance),
    tensors: parseTensorTable(o.tensors, payload),
  };
  if (requires) header.requires = requires;
  const shapes = specShapes(header.spec);
  checkDefaults(header.spec, shapes, header.defaults);
  checkTensorNames(header.tensors, shapes, header.defaults);
  return header;
}

/** Reads a bundle's frame and header and verifies its checksum, without decoding any tensor. */
export async function readBundleHeader(input: Uint8Array | ArrayBuffer): Promise<BundleInfo> {
  const bytes = asBytes(input);
  const frame = readFrame(bytes);
  const id = await verifyChecksum(bytes, frame);
  const header = parseHeader(bytes.subarray(PRELUDE_BYTES, PRELUDE_BYTES + frame.headerLength), bytes.subarray(frame.payloadStart, frame.checksumStart));
  return {
    id,
    version: `${frame.major}.${frame.minor}`,
    bytes: bytes.length,
    headerBytes: frame.headerLength,
    payloadBytes: frame.payloadLength,
    frame,
    header,
  };
}
