import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from '../bundle/cli-io';
import type { R2Like } from '../../src/store/r2-like';

/** The directory holding wrangler.toml, searched upwards from `from` as wrangler does. */
export function findWranglerDir(from = process.cwd()): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'wrangler.toml'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The bucket_name of the `MODELS` binding in wrangler.toml (a regex is enough for the file we ship). */
export function modelsBucketName(wranglerToml: string): string | undefined {
  for (const block of wranglerToml.split(/^\s*\[\[/m).slice(1)) {
    if (!/^r2_buckets\]\]/.test(block)) continue;
    if (!/^\s*binding\s*=\s*"MODELS"/m.test(block)) continue;
    return /^\s*bucket_name\s*=\s*"([^"]+)"/m.exec(block)?.[1];
  }
  return undefined;
}

export function readBucketName(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  return modelsBucketName(readFileSync(join(dir, 'wrangler.toml'), 'utf8'));
}

/**
 * The local bucket that `wrangler dev --local` (npm start) serves: Miniflare over the same persist
 * root wrangler uses (`<persist-to>/v3`, default `.wrangler/state` beside wrangler.toml) and the
 * bucket's name as its id — what `wrangler r2 object put --local` does, in one process.
 */
export async function openLocalBucket(persistTo: string, bucket: string): Promise<{ r2: R2Like; close: () => Promise<void> }> {
  let Miniflare;
  try {
    ({ Miniflare } = await import('miniflare'));
  } catch {
    throw new CliError("--local needs the 'miniflare' package (a devDependency: run npm ci)");
  }
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null, { status: 404 }) } }',
    defaultPersistRoot: join(persistTo, 'v3'),
    r2Buckets: { BUCKET: bucket },
  });
  const r2 = (await mf.getR2Bucket('BUCKET')) as unknown as R2Like;
  return { r2, close: () => mf.dispose() };
}
