import { RuntimeError } from './errors';

/** Where a bundle comes from: its bytes, or a URL on the page's own origin. */
export type BundleSource = ArrayBuffer | Uint8Array | string;

/** The bundle's bytes, fetched (same-origin credentials only) when given a URL. */
export async function bundleBytes(source: BundleSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  let res: Response;
  try {
    res = await fetch(source, { credentials: 'same-origin' });
  } catch (e) {
    throw new RuntimeError('bundle_fetch', `fetching ${source}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) throw new RuntimeError('bundle_fetch', `fetching ${source}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
