import { decodeBundle, readBundleHeader } from '../bundle/index';
import { checkModelData } from '../engine/check-model';
import { sha256Hex } from '../util/sha256';
import { MANIFEST_KEY, addVersion, bundleKey, checkName, emptyManifest, parseManifest, removeModel, rollback, serializeManifest } from './manifest';
import type { Manifest, ModelVersion } from './manifest';
import type { R2Like } from './r2-like';

/** A store operation that could not complete; nothing the manifest points at was left broken. */
export class StoreError extends Error {
  constructor(
    readonly code: 'conflict' | 'bundle_write_failed' | 'store_unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** The manifest and the etag it was read with (undefined: no manifest yet, an empty store). */
export async function readManifest(r2: R2Like): Promise<{ manifest: Manifest; etag: string | undefined }> {
  const obj = await r2.get(MANIFEST_KEY);
  if (!obj) return { manifest: emptyManifest(), etag: undefined };
  return { manifest: parseManifest(await obj.text()), etag: obj.etag };
}

/** Writes the manifest only if nobody changed it since we read it (where the store can tell). */
async function writeManifest(r2: R2Like, manifest: Manifest, etag: string | undefined): Promise<void> {
  const done = await r2.put(MANIFEST_KEY, serializeManifest(manifest), { httpMetadata: { contentType: 'application/json' }, ...(etag ? { onlyIf: { etagMatches: etag } } : {}) });
  if (done === null) throw new StoreError('conflict', 'the manifest changed while this command ran (another publish?); nothing was changed, run it again');
}

export interface PublishResult {
  name: string;
  version: ModelVersion;
  /** False when the bundle was already the current version (nothing written to the manifest). */
  changed: boolean;
  bundleName: string;
}

/**
 * Publishes a bundle under a name. Order makes a crash harmless: the bundle is verified in memory,
 * written to its content address, read back and verified again, and only then does the manifest
 * point at it. A crash before the manifest write leaves at most an unreferenced bundle.
 */
export async function publish(r2: R2Like, bytes: Uint8Array, name: string, opts: { note?: string; now?: Date } = {}): Promise<PublishResult> {
  checkName(name);
  const data = await decodeBundle(bytes); // frame, checksum, header, table, values: throws BundleError
  checkModelData(data); // structure the engine needs (layer names, tensor ranks)
  const { manifest, etag } = await readManifest(r2); // a corrupt manifest stops us before any write
  const key = bundleKey(data.id);
  await r2.put(key, bytes, { sha256: await sha256Hex(bytes), httpMetadata: { contentType: 'application/octet-stream' } });
  const back = await r2.get(key);
  const stored = back ? new Uint8Array(await back.arrayBuffer()) : undefined;
  const storedId = stored && stored.length === bytes.length ? await readBundleHeader(stored).then((i) => i.id, () => undefined) : undefined;
  if (storedId !== data.id) throw new StoreError('bundle_write_failed', `${key} did not read back intact; the manifest was not changed`);
  const added = addVersion(manifest, name, { bundleId: data.id, size: bytes.length, note: opts.note }, opts.now);
  if (added.changed) await writeManifest(r2, added.manifest, etag);
  return { name, version: added.version, changed: added.changed, bundleName: data.name };
}

/** Points a name back at an earlier version (the previous one, or `to`). */
export async function rollbackModel(r2: R2Like, name: string, to?: number, now?: Date): Promise<{ from: ModelVersion; to: ModelVersion }> {
  const { manifest, etag } = await readManifest(r2);
  const r = rollback(manifest, name, to, now);
  // The target's bundle must still be there: never point a name at a missing bundle.
  if (!(await r2.get(r.to.key))) throw new StoreError('bundle_write_failed', `${r.to.key} (version ${r.to.version}) is missing from the store; not rolling back`);
  if (r.to.version !== r.from.version) await writeManifest(r2, r.manifest, etag);
  return { from: r.from, to: r.to };
}

/** Removes a name; then deletes the bundles no other version references (the manifest goes first, so a crash leaves only orphans). */
export async function removeModelFromStore(r2: R2Like, name: string, now?: Date): Promise<{ deleted: string[] }> {
  const { manifest, etag } = await readManifest(r2);
  const r = removeModel(manifest, name, now);
  await writeManifest(r2, r.manifest, etag);
  for (const key of r.unreferenced) await r2.delete(key);
  return { deleted: r.unreferenced };
}
