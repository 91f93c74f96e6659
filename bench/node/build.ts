// Offline worker builds with wrangler (`deploy --dry-run --outdir`): the production worker (what is
// uploaded, and what the cold-start isolates import) and the benchmark worker.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../..');
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');

export interface BuiltWorker {
  outdir: string;
  /** The entry module (index.js, or <entry>.js when an entry was given). */
  main: string;
  /** Files wrangler uploads: the entry .js and every module it imports (.wasm, .fsb), not the source map. */
  modules: string[];
  /** wrangler's own "Total Upload: … / gzip: …" line. */
  wranglerSummary: string;
}

/** Builds a worker offline into a fresh temp dir; `config` (and `entry`, overriding its main) relative to the repo root. */
export async function buildWorker(config: string, opts: { minify: boolean; entry?: string }): Promise<BuiltWorker> {
  const outdir = mkdtempSync(join(tmpdir(), 'fewshot-bench-build-'));
  const args = ['deploy', ...(opts.entry ? [opts.entry] : []), '--dry-run', '--outdir', outdir, '--config', config, ...(opts.minify ? ['--minify'] : [])];
  const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
  const { stdout } = await run(WRANGLER, args, { cwd: ROOT, env, timeout: 120_000, maxBuffer: 16 << 20 });
  const modules = readdirSync(outdir).filter((f) => /\.(m?js|wasm|fsb)$/.test(f)).map((f) => join(outdir, f));
  const scripts = modules.filter((m) => m.endsWith('.js'));
  if (scripts.length !== 1) throw new Error(`wrangler built ${scripts.length} scripts into ${outdir}, expected one`);
  return { outdir, main: scripts[0]!, modules, wranglerSummary: /Total Upload:[^\n]*/.exec(stdout)?.[0] ?? '' };
}

export interface UploadSize {
  /** What is counted: every uploaded module, each gzipped on its own (zlib level 9). */
  counted: string;
  files: { name: string; bytes: number; gzip_bytes: number }[];
  bytes: number;
  gzip_bytes: number;
  wrangler_summary: string;
}

/** Per-module gzip sizes of a built worker (names without wrangler's content-hash prefix). */
export function uploadSize(built: BuiltWorker): UploadSize {
  const files = built.modules.map((path) => {
    const data = readFileSync(path);
    return { name: path.split('/').pop()!.replace(/^[0-9a-f]{40}-/, ''), bytes: data.length, gzip_bytes: gzipSync(data, { level: 9 }).length };
  });
  return {
    counted: 'wrangler deploy --dry-run --minify output: index.js + every .wasm + every embedded .fsb bundle, each gzipped (level 9); source map and README excluded',
    files,
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    gzip_bytes: files.reduce((a, f) => a + f.gzip_bytes, 0),
    wrangler_summary: built.wranglerSummary,
  };
}
