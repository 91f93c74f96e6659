/**
 * The model store's manifest: one small JSON object in the bucket naming, for each model, every
 * published version (a content-addressed bundle) and which version is current. Pure functions: each
 * change returns a new manifest, so a failed write leaves the old one intact.
 */
export const MANIFEST_KEY = 'manifest.json';
export const MANIFEST_FORMAT = 'fewshot-models/1';
/** The API's model name rule (worker/schemas/common.ts ModelParam). */
export const MODEL_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export interface ModelVersion {
  version: number;
  /** The bundle id: lowercase hex SHA-256 stored in the .fsb trailer. */
  bundleId: string;
  /** Object key of the bundle, `bundles/<bundleId>.fsb`. */
  key: string;
  /** ISO 8601 time of publishing. */
  publishedAt: string;
  size: number;
  note?: string;
}

export interface ModelEntry {
  current: number;
  versions: ModelVersion[];
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  updatedAt: string;
  models: Record<string, ModelEntry>;
}

/** A manifest that cannot be used or a change that cannot be made; `code` is stable. */
export class ManifestError extends Error {
  constructor(
    readonly code: 'bad_manifest' | 'bad_name' | 'no_such_model' | 'no_such_version' | 'nothing_to_roll_back',
    message: string,
  ) {
    super(message);
    this.name = 'ManifestError';
  }
}

export const bundleKey = (bundleId: string): string => `bundles/${bundleId}.fsb`;

export const emptyManifest = (): Manifest => ({ format: MANIFEST_FORMAT, updatedAt: new Date(0).toISOString(), models: {} });

const bad = (msg: string): never => {
  throw new ManifestError('bad_manifest', `manifest: ${msg}`);
};

function parseVersion(v: unknown, where: string): ModelVersion {
  if (typeof v !== 'object' || v === null) return bad(`${where} is not an object`);
  const o = v as Record<string, unknown>;
  if (!Number.isSafeInteger(o.version) || (o.version as number) < 1) bad(`${where}.version must be a positive integer`);
  if (typeof o.bundleId !== 'string' || !HEX64.test(o.bundleId)) bad(`${where}.bundleId must be 64 lowercase hex characters`);
  if (o.key !== bundleKey(o.bundleId as string)) bad(`${where}.key must be ${bundleKey(o.bundleId as string)}`);
  if (typeof o.publishedAt !== 'string' || Number.isNaN(Date.parse(o.publishedAt))) bad(`${where}.publishedAt must be an ISO date`);
  if (!Number.isSafeInteger(o.size) || (o.size as number) < 1) bad(`${where}.size must be a positive integer`);
  if (o.note !== undefined && typeof o.note !== 'string') bad(`${where}.note must be a string`);
  const out: ModelVersion = { version: o.version as number, bundleId: o.bundleId as string, key: o.key as string, publishedAt: o.publishedAt as string, size: o.size as number };
  if (o.note !== undefined) out.note = o.note as string;
  return out;
}

/** Parses and checks a manifest's text; throws ManifestError('bad_manifest') on anything off. */
export function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return bad(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof raw !== 'object' || raw === null) return bad('not an object');
  const o = raw as Record<string, unknown>;
  if (o.format !== MANIFEST_FORMAT) bad(`format must be ${MANIFEST_FORMAT}`);
  if (typeof o.models !== 'object' || o.models === null || Array.isArray(o.models)) bad('models must be an object');
  const models: Record<string, ModelEntry> = {};
  for (const [name, e] of Object.entries(o.models as Record<string, unknown>)) {
    if (!MODEL_NAME.test(name)) bad(`model name ${JSON.stringify(name)} is not allowed`);
    if (typeof e !== 'object' || e === null) bad(`models.${name} is not an object`);
    const entry = e as Record<string, unknown>;
    if (!Array.isArray(entry.versions) || entry.versions.length === 0) bad(`models.${name}.versions must be a non-empty array`);
    const versions = (entry.versions as unknown[]).map((v, i) => parseVersion(v, `models.${name}.versions[${i}]`));
    if (new Set(versions.map((v) => v.version)).size !== versions.length) bad(`models.${name} repeats a version number`);
    if (!versions.some((v) => v.version === entry.current)) bad(`models.${name}.current names no listed version`);
    models[name] = { current: entry.current as number, versions };
  }
  return { format: MANIFEST_FORMAT, updatedAt: typeof o.updatedAt === 'string' ? o.updatedAt : new Date(0).toISOString(), models };
}

/** The manifest as stored: stable key order, one version per line is not needed — it is small. */
export const serializeManifest = (m: Manifest): string => `${JSON.stringify(m, null, 2)}\n`;

/** The version a name currently points at, or undefined if the name is not in the manifest. */
export function currentVersion(m: Manifest, name: string): ModelVersion | undefined {
  const e = m.models[name];
  return e?.versions.find((v) => v.version === e.current);
}

export function checkName(name: string): void {
  if (!MODEL_NAME.test(name)) throw new ManifestError('bad_name', `model name '${name}' must match ${MODEL_NAME.source} (lowercase letters, digits, '-')`);
}

const touch = (m: Manifest, models: Record<string, ModelEntry>, now: Date): Manifest => ({ format: MANIFEST_FORMAT, updatedAt: now.toISOString(), models });

/**
 * Adds a version pointing `name` at a bundle and makes it current. Publishing the bundle that is
 * already current changes nothing (`changed: false`); an older bundle again becomes a new version.
 */
export function addVersion(m: Manifest, name: string, bundle: { bundleId: string; size: number; note?: string }, now = new Date()): { manifest: Manifest; version: ModelVersion; changed: boolean } {
  checkName(name);
  const cur = currentVersion(m, name);
  if (cur && cur.bundleId === bundle.bundleId) return { manifest: m, version: cur, changed: false };
  const prev = m.models[name]?.versions ?? [];
  const version: ModelVersion = {
    version: prev.reduce((n, v) => Math.max(n, v.version), 0) + 1,
    bundleId: bundle.bundleId,
    key: bundleKey(bundle.bundleId),
    publishedAt: now.toISOString(),
    size: bundle.size,
  };
  if (bundle.note !== undefined) version.note = bundle.note;
  return { manifest: touch(m, { ...m.models, [name]: { current: version.version, versions: [...prev, version] } }, now), version, changed: true };
}

/**
 * Points `name` back at an earlier version: `to`, or else the highest version below the current one.
 * Versions are kept, so a rollback can itself be undone with `to`.
 */
export function rollback(m: Manifest, name: string, to?: number, now = new Date()): { manifest: Manifest; from: ModelVersion; to: ModelVersion } {
  const e = m.models[name];
  if (!e) throw new ManifestError('no_such_model', `no model '${name}' in the store`);
  const from = currentVersion(m, name)!;
  let target: ModelVersion | undefined;
  if (to !== undefined) {
    target = e.versions.find((v) => v.version === to);
    if (!target) throw new ManifestError('no_such_version', `model '${name}' has no version ${to} (versions: ${e.versions.map((v) => v.version).join(', ')})`);
  } else {
    target = e.versions.filter((v) => v.version < e.current).sort((a, b) => b.version - a.version)[0];
    if (!target) throw new ManifestError('nothing_to_roll_back', `model '${name}' is at its first version ${e.current}; nothing to roll back to`);
  }
  return { manifest: touch(m, { ...m.models, [name]: { ...e, current: target.version } }, now), from, to: target };
}

/** Drops a model from the manifest; returns the bundle keys no remaining version references (safe to delete). */
export function removeModel(m: Manifest, name: string, now = new Date()): { manifest: Manifest; unreferenced: string[] } {
  const e = m.models[name];
  if (!e) throw new ManifestError('no_such_model', `no model '${name}' in the store`);
  const models = { ...m.models };
  delete models[name];
  const still = new Set(Object.values(models).flatMap((x) => x.versions.map((v) => v.key)));
  const unreferenced = [...new Set(e.versions.map((v) => v.key))].filter((k) => !still.has(k));
  return { manifest: touch(m, models, now), unreferenced };
}
