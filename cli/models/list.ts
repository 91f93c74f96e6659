import { currentVersion } from '../../src/store/manifest';
import { readManifest } from '../../src/store/store-ops';
import { parse } from '../bundle/cli-io';
import { openTarget, TARGET_OPTIONS, TARGET_USAGE } from './target';
import type { TargetDeps } from './target';

export const usage = `fewshot models list [--json] ${TARGET_USAGE}`;

/** `list`: every model in the store with its current version. */
export async function run(argv: string[], deps: TargetDeps = {}): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' }, ...TARGET_OPTIONS }, 0);
  const target = await openTarget(values, deps);
  try {
    const { manifest } = await readManifest(target.r2);
    const rows = Object.keys(manifest.models)
      .sort()
      .map((name) => {
        const v = currentVersion(manifest, name)!;
        return { name, version: v.version, versions: manifest.models[name]!.versions.length, bundleId: v.bundleId, size: v.size, publishedAt: v.publishedAt, ...(v.note !== undefined ? { note: v.note } : {}) };
      });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ store: target.label, models: rows })}\n`);
      return 0;
    }
    if (rows.length === 0) {
      process.stdout.write(`no models in ${target.label} (the worker serves its embedded bundles)\n`);
      return 0;
    }
    const lines = rows.map((r) => [r.name, `v${r.version}/${r.versions}`, r.bundleId.slice(0, 12), String(r.size), r.publishedAt, r.note ?? '']);
    process.stdout.write(table([['NAME', 'VERSION', 'BUNDLE', 'BYTES', 'PUBLISHED', 'NOTE'], ...lines]));
    return 0;
  } finally {
    await target.close();
  }
}

/** Left-aligned columns, two spaces apart. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}
