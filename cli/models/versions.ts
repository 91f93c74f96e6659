import { ManifestError } from '../../src/store/manifest';
import { readManifest } from '../../src/store/store-ops';
import { parse } from '../bundle/cli-io';
import { table } from './list';
import { openTarget, TARGET_OPTIONS, TARGET_USAGE } from './target';
import type { TargetDeps } from './target';

export const usage = `fewshot models versions NAME [--json] ${TARGET_USAGE}`;

/** `versions NAME`: every published version, the current one marked. */
export async function run(argv: string[], deps: TargetDeps = {}): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, ...TARGET_OPTIONS }, 1);
  const name = positionals[0]!;
  const target = await openTarget(values, deps);
  try {
    const { manifest } = await readManifest(target.r2);
    const e = manifest.models[name];
    if (!e) throw new ManifestError('no_such_model', `no model '${name}' in ${target.label}`);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ name, current: e.current, versions: e.versions })}\n`);
      return 0;
    }
    const rows = e.versions.map((v) => [`${v.version === e.current ? '*' : ' '} ${v.version}`, v.bundleId.slice(0, 12), String(v.size), v.publishedAt, v.note ?? '']);
    process.stdout.write(table([['  VERSION', 'BUNDLE', 'BYTES', 'PUBLISHED', 'NOTE'], ...rows]));
    return 0;
  } finally {
    await target.close();
  }
}
