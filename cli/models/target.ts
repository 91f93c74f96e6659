import { join, resolve } from 'node:path';
import { UsageError } from '../bundle/cli-io';
import { DirR2 } from '../../node/dir-r2';
import { findWranglerDir, openLocalBucket, readBucketName } from './local-r2';
import { WranglerR2, runWrangler } from './wrangler-r2';
import type { WranglerRunner } from './wrangler-r2';
import type { R2Like } from '../../src/store/r2-like';

/** Flags every `fewshot models` subcommand takes to choose the store. */
export const TARGET_OPTIONS = {
  local: { type: 'boolean' },
  remote: { type: 'boolean' },
  dir: { type: 'string' },
  'persist-to': { type: 'string' },
  bucket: { type: 'string' },
} as const;

export const TARGET_USAGE = '[--local [--persist-to DIR] | --remote | --dir DIR] [--bucket NAME]';

export interface Target {
  r2: R2Like;
  /** Where, for messages: "local fewshot-models (.wrangler/state)". */
  label: string;
  close: () => Promise<void>;
}

/** Test seams: the wrangler runner for --remote, and where to look for wrangler.toml. */
export interface TargetDeps {
  runner?: WranglerRunner;
  cwd?: string;
}

/** Opens the store the flags name; --local is the default (no account, what npm start serves). */
export async function openTarget(values: Record<string, unknown>, deps: TargetDeps = {}): Promise<Target> {
  const picked = (['local', 'remote', 'dir'] as const).filter((k) => values[k] !== undefined && values[k] !== false);
  if (picked.length > 1) throw new UsageError(`choose one of --local, --remote, --dir (got ${picked.map((p) => `--${p}`).join(' and ')})`);
  if (values['persist-to'] !== undefined && picked[0] !== undefined && picked[0] !== 'local') throw new UsageError('--persist-to goes with --local');
  const where = findWranglerDir(deps.cwd);
  const bucket = (values.bucket as string | undefined) ?? readBucketName(where) ?? 'fewshot-models';
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket)) throw new UsageError(`--bucket '${bucket}' is not a valid R2 bucket name`);
  if (picked[0] === 'dir') {
    const dir = values.dir as string;
    if (!dir) throw new UsageError('--dir needs a directory');
    return { r2: new DirR2(dir), label: `directory ${dir}`, close: async () => {} };
  }
  if (picked[0] === 'remote') {
    const r2 = new WranglerR2(bucket, deps.runner ?? runWrangler, where ? ['--config', join(where, 'wrangler.toml')] : []);
    return { r2, label: `remote ${bucket}`, close: () => r2.close() };
  }
  const persistTo = values['persist-to'] !== undefined ? resolve(values['persist-to'] as string) : where ? join(where, '.wrangler', 'state') : undefined;
  if (!persistTo) throw new UsageError('no wrangler.toml in this directory or above: run from the project, or pass --persist-to DIR');
  const { r2, close } = await openLocalBucket(persistTo, bucket);
  return { r2, label: `local ${bucket} (${persistTo})`, close };
}
