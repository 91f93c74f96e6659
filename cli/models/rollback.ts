import { rollbackModel } from '../../src/store/store-ops';
import { parse, UsageError } from '../bundle/cli-io';
import { openTarget, TARGET_OPTIONS, TARGET_USAGE } from './target';
import type { TargetDeps } from './target';

export const usage = `fewshot models rollback NAME [--to VERSION] ${TARGET_USAGE}`;

/** `rollback NAME`: point the name at the previous version (or --to VERSION); versions are kept. */
export async function run(argv: string[], deps: TargetDeps = {}): Promise<number> {
  const { values, positionals } = parse(argv, { to: { type: 'string' }, ...TARGET_OPTIONS }, 1);
  let to: number | undefined;
  if (values.to !== undefined) {
    to = Number(values.to);
    if (!Number.isSafeInteger(to) || to < 1) throw new UsageError('--to must be a version number (1, 2, …)');
  }
  const target = await openTarget(values, deps);
  try {
    const r = await rollbackModel(target.r2, positionals[0]!, to);
    process.stdout.write(
      r.from.version === r.to.version
        ? `${positionals[0]} is already at version ${r.to.version}: nothing changed\n`
        : `${positionals[0]}: version ${r.from.version} → ${r.to.version} (bundle ${r.to.bundleId.slice(0, 12)}) in ${target.label}\n`,
    );
    return 0;
  } finally {
    await target.close();
  }
}
