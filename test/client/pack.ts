// Packs the workspace packages as a user does (`npm run pack:packages`) and installs the tarballs into
// an empty project with no network: npm's cache is a fresh empty directory and `--offline` forbids
// the registry, so hono comes from a tarball too (packed from the version this repo's lockfile pins).
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const ROOT = resolve(import.meta.dirname, '../..');
export const PACKED = join(ROOT, 'dist', 'packages');

export interface Run {
  code: number;
  out: string;
}

export function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

async function ok(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await run(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.code}:\n${r.out.slice(-4000)}`);
  return r.out;
}

export interface Tarball {
  file: string;
  /** Bytes of the .tgz. */
  bytes: number;
  /** Paths inside the package (without the `package/` prefix) and their sizes. */
  entries: { path: string; size: number }[];
}

/** The regular files of a .tgz (ustar headers, read directly: no tar binary's output format to parse). */
function list(file: string): Tarball {
  const tar = gunzipSync(readFileSync(file));
  const entries: Tarball['entries'] = [];
  const field = (at: number, len: number): string => tar.subarray(at, at + len).toString('utf8').replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
    const size = parseInt(field(at + 124, 12).trim() || '0', 8);
    const prefix = field(at + 345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(at, 100);
    if (field(at + 156, 1) === '0' || field(at + 156, 1) === '') entries.push({ path: name.replace(/^package\//, ''), size });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return { file, bytes: statSync(file).size, entries: entries.sort((a, b) => a.path.localeCompare(b.path)) };
}

/** Runs `npm run pack:packages` in the repo (its prepack steps build each package) and lists the tarballs. */
export async function packPackages(): Promise<{ client: Tarball; browser: Tarball }> {
  rmSync(PACKED, { recursive: true, force: true });
  await ok('npm', ['run', 'pack:packages'], ROOT);
  const find = (prefix: string): string => {
    const f = readdirSync(PACKED).filter((x) => x.startsWith(prefix) && x.endsWith('.tgz'));
    if (f.length !== 1) throw new Error(`expected one ${prefix}*.tgz in ${PACKED}, found ${f.join(', ') || 'none'}`);
    return join(PACKED, f[0]!);
  };
  return { client: list(find('fewshot-edge-client-')), browser: list(find('fewshot-edge-browser-')) };
}

/** An empty ESM project in `dir` with the tarballs installed from files, offline, with an empty cache. */
export async function installOffline(dir: string, tarballs: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  await ok('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, join(ROOT, 'node_modules', 'hono')], ROOT);
  const hono = readdirSync(dir).find((f) => /^hono-.*\.tgz$/.test(f))!;
  await ok('npm', ['install', '--offline', '--no-audit', '--no-fund', '--cache', join(dir, '.npm-cache'), join(dir, hono), ...tarballs], dir);
}
