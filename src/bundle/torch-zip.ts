import { unzipSync } from 'fflate';
import { BundleError } from './errors';

/**
 * The zip container of a PyTorch checkpoint (`torch.save`'s default since 1.6): one folder
 * (`archive/`, or the file's stem in older versions) holding `data.pkl` (the pickled object),
 * `data/<key>` (one raw little-endian storage per key, stored uncompressed), `byteorder` (since
 * 1.10) and `version`. fflate (docs/pytorch.md) reads the central directory; around it we bound
 * what a hostile zip can make it do: the number of entries, names, duplicates, and the size a
 * deflated entry claims (fflate would allocate it) — checked in the filter, before any entry is
 * extracted. Entries other than the pickle, the storages and the byte order are not extracted.
 */
export interface TorchArchive {
  /** The folder every entry is in (`archive`). */
  prefix: string;
  /** `data.pkl`. */
  pickle: Uint8Array;
  /** `data/<key>` → the storage's bytes. */
  storages: Map<string, Uint8Array>;
  littleEndian: boolean;
}

const MAX_ENTRIES = 1 << 20;
/** fflate keeps entries in a plain object: names are restricted before they become keys. */
const WANTED = /^([A-Za-z0-9_.-]{1,200})\/(data\.pkl|byteorder|data\/[0-9]{1,12})$/;
/** Deflate cannot expand data more than ~1032×; a larger claim is a lie about the size. */
const MAX_DEFLATE_RATIO = 1032;

const bad = (m: string): never => {
  throw new BundleError('torch_invalid', m);
};

/** True when the bytes start like a zip file (a local file header). */
export const isZip = (bytes: Uint8Array): boolean => bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/** Reads the entries a state dict needs; any malformed, ambiguous or oversized zip is `torch_invalid`. */
export function readTorchZip(bytes: Uint8Array): TorchArchive {
  const seen = new Set<string>();
  const sizes = new Map<string, number>();
  // Written by the filter callback (flow analysis does not see through it, hence an object).
  const found: { prefix?: string; torchScript: boolean } = { torchScript: false };
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (seen.size >= MAX_ENTRIES) bad(`more than ${MAX_ENTRIES} zip entries`);
        if (seen.has(f.name)) bad(`zip entry '${f.name.slice(0, 200)}' appears twice`);
        seen.add(f.name);
        if (/\/(constants\.pkl|code\/)/.test(f.name)) found.torchScript = true;
        const m = WANTED.exec(f.name);
        if (!m) return false;
        if (found.prefix !== undefined && m[1] !== found.prefix) bad(`zip entries in two folders ('${found.prefix}/', '${m[1]}/'); a checkpoint has one`);
        found.prefix = m[1]!;
        if (f.compression !== 0 && f.compression !== 8) bad(`zip entry '${f.name}' uses compression method ${f.compression} (stored and deflate are read)`);
        if (f.compression === 8 && (f.originalSize > f.size * MAX_DEFLATE_RATIO + 64 || f.originalSize > 2 ** 31)) bad(`zip entry '${f.name}' claims ${f.originalSize} bytes from ${f.size} compressed`);
        sizes.set(f.name, f.originalSize);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof BundleError) throw e;
    return bad(`not a readable zip file (${(e as Error)?.message ?? String(e)})`.slice(0, 300));
  }
  const prefix = found.prefix;
  if (found.torchScript) bad('this is a TorchScript archive (torch.jit.save); save the weights with torch.save(model.state_dict(), PATH)');
  if (prefix === undefined || !files[`${prefix}/data.pkl`]) bad(`no <folder>/data.pkl entry: not a PyTorch checkpoint (${seen.size} zip entries)`);
  // fflate returns what it could slice when an entry runs past the end of the file: check lengths.
  for (const [name, size] of sizes) if (files[name]!.length !== size) bad(`zip entry '${name}' is truncated: ${files[name]!.length} of ${size} bytes`);
  const order = files[`${prefix}/byteorder`];
  const endian = order ? new TextDecoder().decode(order) : 'little';
  if (endian !== 'little' && endian !== 'big') bad(`byteorder is '${endian.slice(0, 20)}' (little or big)`);
  const storages = new Map<string, Uint8Array>();
  for (const name of sizes.keys()) if (name.startsWith(`${prefix}/data/`)) storages.set(name.slice(prefix!.length + 6), files[name]!);
  return { prefix: prefix!, pickle: files[`${prefix}/data.pkl`]!, storages, littleEndian: endian === 'little' };
}
