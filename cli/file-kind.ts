import { MAGIC as BUNDLE_MAGIC } from '../src/bundle/index';

/** What a file the CLI was handed looks like, for messages that say what it is instead of how parsing failed. */
export type FileKind =
  | 'bundle'
  | 'head'
  | 'head-view'
  | 'head-json'
  | 'adapt-body'
  | 'support'
  | 'inputs'
  | 'json'
  | 'binary'
  | 'text';

const HEAD_MAGIC = [0x46, 0x53, 0x48, 0x44]; // "FSHD"
const starts = (bytes: Uint8Array, magic: ArrayLike<number>) => bytes.length >= magic.length && Array.prototype.every.call(magic, (b: number, i: number) => bytes[i] === b);

/** Sniffs a file: the two binary formats by magic, JSON by the keys our formats use. */
export function fileKind(bytes: Uint8Array): FileKind {
  if (starts(bytes, BUNDLE_MAGIC)) return 'bundle';
  if (starts(bytes, HEAD_MAGIC)) return 'head';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'binary';
  }
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) return 'binary';
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'text';
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'json';
  const o = v as Record<string, unknown>;
  // `head inspect --json` adds `bytes` (the old head.json had none; it may carry a headId).
  if (o.format === 'fewshot-head') return 'bytes' in o ? 'head-view' : 'head-json';
  if ('support' in o) return 'adapt-body';
  if ('labels' in o && 'inputs' in o) return 'support';
  if ('inputs' in o) return 'inputs';
  return 'json';
}

/** A few words saying what a file of that kind is. */
export function describeKind(kind: FileKind): string {
  switch (kind) {
    case 'bundle':
      return 'a weight bundle (.fsb)';
    case 'head':
      return 'a binary head (.fshd)';
    case 'head-view':
      return "the JSON view of a head (what 'fewshot head inspect --json' prints)";
    case 'head-json':
      return 'a JSON head (the old head.json format, no longer read)';
    case 'adapt-body':
      return 'an adapt request body (a support file)';
    case 'support':
      return 'a support set {inputs, labels}';
    case 'inputs':
      return 'an inputs file {inputs}';
    case 'json':
      return 'JSON of no format the CLI knows';
    case 'binary':
      return 'a binary file of no format the CLI knows';
    case 'text':
      return 'not JSON';
  }
}

/** Which flag of adapt/predict takes a file of this kind. */
export function flagFor(kind: FileKind): string | undefined {
  return ({ bundle: '--bundle', head: '--head', 'adapt-body': '--support', support: '--support', inputs: '--inputs' } as Partial<Record<FileKind, string>>)[kind];
}

/**
 * One line: `FLAG PATH is <kind>, not <wanted>`, then what to do — the flag of this command that
 * takes it (a swap), or `advice`.
 */
export function wrongFile(path: string, kind: FileKind, want: { what: string; flag: string; commandFlags: string[]; advice?: Partial<Record<FileKind, string>> }): string {
  const other = flagFor(kind);
  const swapped = other && other !== want.flag && want.commandFlags.includes(other) ? `it goes to ${other} (swapped ${want.flag} and ${other}?)` : undefined;
  const next = swapped ?? want.advice?.[kind];
  return `${want.flag ? `${want.flag} ` : ''}${path} is ${describeKind(kind)}, not ${want.what}${next ? `: ${next}` : ''}`;
}
