import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A downloaded and unpacked package: its root folder and font files (paths relative to root). */
export interface UnpackedPackage {
  name: string;
  version: string;
  root: string;
  fontFiles: string[];
  copyright: string;
}

// woff/woff2 copies shipped next to the TTFs are duplicates; Type 1 fonts are not read by fontkit.
const FONT_FILE = /\.(ttf|otf|ttc)$/i;

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/** Fetches the .deb with `apt-get download` into cacheDir/debs unless already there; returns its file name. */
export function ensureDeb(pkg: string, cacheDir: string): string {
  const debs = join(cacheDir, 'debs');
  mkdirSync(debs, { recursive: true });
  const find = (): string | undefined => readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  const have = find();
  if (have) return have;
  execFileSync('apt-get', ['download', pkg], { cwd: debs, stdio: ['ignore', 'ignore', 'inherit'] });
  const got = find();
  if (!got) throw new Error(`apt-get download ${pkg} produced no .deb`);
  return got;
}

/** A downloaded and unpacked package of any kind: its root folder, version and copyright text. */
export interface UnpackedDeb {
  name: string;
  version: string;
  root: string;
  copyright: string;
}

/** Downloads (cached) and unpacks (cached) one package with `dpkg -x`. */
export function ensureUnpacked(pkg: string, cacheDir: string): UnpackedDeb {
  const deb = ensureDeb(pkg, cacheDir);
  const root = join(cacheDir, 'unpacked', pkg);
  if (!existsSync(join(root, '.done'))) {
    mkdirSync(root, { recursive: true });
    execFileSync('dpkg', ['-x', join(cacheDir, 'debs', deb), root]);
    execFileSync('touch', [join(root, '.done')]);
  }
  const copyrightPath = join(root, 'usr/share/doc', pkg, 'copyright');
  return {
    name: pkg,
    version: decodeURIComponent(deb.split('_')[1] ?? ''),
    root,
    copyright: existsSync(copyrightPath) ? readFileSync(copyrightPath, 'utf8') : '',
  };
}

/** Downloads (cached) and unpacks (cached) one package, listing its font files under usr/share/fonts (and fontDirs). */
export function ensurePackage(pkg: string, cacheDir: string, fontDirs: readonly string[] = ['usr/share/fonts']): UnpackedPackage {
  const unpacked = ensureUnpacked(pkg, cacheDir);
  const files: string[] = [];
  for (const dir of fontDirs) {
    const fontsDir = join(unpacked.root, dir);
    if (existsSync(fontsDir)) walk(fontsDir, files);
  }
  return { ...unpacked, fontFiles: files.filter((f) => FONT_FILE.test(f)).map((f) => relative(unpacked.root, f)) };
}

/** Summarises a Debian copyright file: the DEP-5 License: short names, or a keyword guess. */
export function licenceOf(copyright: string): string {
  const names = new Set<string>();
  for (const m of copyright.matchAll(/^License:[ \t]*(\S[^\n]*)$/gm)) names.add(m[1]!.trim());
  if (names.size > 0) return [...names].sort().join('; ');
  const guesses: [RegExp, string][] = [
    [/SIL Open Font License|OFL/i, 'OFL-1.1'],
    [/GNU General Public License/i, 'GPL'],
    [/Lesser General Public/i, 'LGPL'],
    [/public domain/i, 'public-domain'],
    [/Apache License/i, 'Apache-2.0'],
  ];
  const found = guesses.filter(([re]) => re.test(copyright)).map(([, n]) => n);
  return found.length > 0 ? found.join('; ') : 'see package copyright';
}
