import { decodeBundle } from '../../src/bundle/index';
import { checkModelData } from '../../src/engine/check-model';
import { checkName, ManifestError } from '../../src/store/manifest';
import { publish } from '../../src/store/store-ops';
import { parse, readBytes, UsageError } from '../bundle/cli-io';
import { openTarget, TARGET_OPTIONS, TARGET_USAGE } from './target';
import type { TargetDeps } from './target';

export const usage = `fewshot models publish FILE --name NAME [--note TEXT] ${TARGET_USAGE}`;

/** `publish`: verify the bundle, store it content-addressed, then point NAME at it as a new version. */
export async function run(argv: string[], deps: TargetDeps = {}): Promise<number> {
  const { values, positionals } = parse(argv, { name: { type: 'string' }, note: { type: 'string' }, ...TARGET_OPTIONS }, 1);
  const name = values.name;
  if (typeof name !== 'string') throw new UsageError('--name is required');
  try {
    checkName(name);
  } catch (e) {
    throw new UsageError((e as ManifestError).message);
  }
  const bytes = await readBytes(positionals[0]!);
  // Verified before the store is even opened: a bad bundle writes nothing anywhere.
  checkModelData(await decodeBundle(bytes));
  const target = await openTarget(values, deps);
  try {
    const r = await publish(target.r2, bytes, name, { note: values.note as string | undefined });
    const what = `bundle ${r.version.bundleId.slice(0, 12)}, ${r.version.size} bytes`;
    process.stdout.write(
      r.changed
        ? `published ${name} version ${r.version.version} (${what}) to ${target.label}\n`
        : `${name} is already at version ${r.version.version} (${what}) in ${target.label}: nothing changed\n`,
    );
    return 0;
  } finally {
    await target.close();
  }
}
