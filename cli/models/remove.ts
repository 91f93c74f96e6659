import { removeModelFromStore } from '../../src/store/store-ops';
import { parse } from '../bundle/cli-io';
import { openTarget, TARGET_OPTIONS, TARGET_USAGE } from './target';
import type { TargetDeps } from './target';

export const usage = `fewshot models remove NAME ${TARGET_USAGE}`;

/** `remove NAME`: drop the name (an embedded model of that name serves again) and its now-unreferenced bundles. */
export async function run(argv: string[], deps: TargetDeps = {}): Promise<number> {
  const { values, positionals } = parse(argv, TARGET_OPTIONS, 1);
  const target = await openTarget(values, deps);
  try {
    const r = await removeModelFromStore(target.r2, positionals[0]!);
    process.stdout.write(`removed ${positionals[0]} from ${target.label} (${r.deleted.length} bundle${r.deleted.length === 1 ? '' : 's'} deleted)\n`);
    return 0;
  } finally {
    await target.close();
  }
}
