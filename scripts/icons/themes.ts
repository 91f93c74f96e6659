import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One drawing of an icon name in a theme directory. */
export interface IconFile {
  /** Path relative to the theme directory, e.g. 48x48/places/folder.png. */
  file: string;
  /** Resolved absolute path (symlinks followed): equal paths are the same drawing. */
  real: string;
  /** Nominal size of the directory; Infinity-like 1000 for scalable directories. */
  size: number;
  scalable: boolean;
  symbolic: boolean;
  context: string;
}

interface ThemeDir {
  dir: string;
  size: number;
  scale: number;
  scalable: boolean;
  context: string;
}

/** The [dir] sections of an index.theme (freedesktop icon theme spec): size, scale, type, context. */
export function parseIndexTheme(text: string): ThemeDir[] {
  const dirs: ThemeDir[] = [];
  let cur: Record<string, string> | null = null;
  let name = '';
  const flush = (): void => {
    if (!cur || name === 'Icon Theme') return;
    const size = Number(cur.Size);
    if (!Number.isFinite(size)) return;
    dirs.push({
      dir: name,
      size,
      scale: Number(cur.Scale ?? 1) || 1,
      scalable: /^scalable$/i.test(cur.Type ?? '') || /scalable/i.test(name),
      context: (cur.Context ?? '').trim().toLowerCase(),
    });
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      flush();
      name = sec[1]!;
      cur = {};
    } else if (cur && line.includes('=') && !line.startsWith('#')) {
      const at = line.indexOf('=');
      cur[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  flush();
  return dirs;
}

const ICON_EXT = /\.(svg|png)$/i;

/**
 * Every icon name a theme draws, with all its drawings (scale-1 directories of index.theme; PNG and
 * SVG; broken symlinks skipped). Names are taken without `-symbolic`; `symbolic` says which it was.
 */
export function scanTheme(themeDir: string): Map<string, IconFile[]> {
  const out = new Map<string, IconFile[]>();
  const indexPath = join(themeDir, 'index.theme');
  if (!existsSync(indexPath)) return out;
  for (const d of parseIndexTheme(readFileSync(indexPath, 'utf8'))) {
    if (d.scale !== 1 || /@\dx/.test(d.dir)) continue;
    const abs = join(themeDir, d.dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs).sort()) {
      if (!ICON_EXT.test(f) || f.endsWith('.symbolic.png')) continue;
      let real: string;
      try {
        real = realpathSync(join(abs, f));
      } catch {
        continue;
      }
      let name = f.replace(ICON_EXT, '');
      const symbolic = /-symbolic$/.test(name) || /symbolic/i.test(d.dir);
      name = name.replace(/-symbolic$/, '');
      const entry: IconFile = { file: relative(themeDir, join(abs, f)), real, size: d.scalable ? 1000 : d.size, scalable: d.scalable, symbolic, context: d.context };
      (out.get(name) ?? out.set(name, []).get(name)!).push(entry);
    }
  }
  return out;
}

// A 48 px drawing is what a desktop shows; larger ones are scaled down fine, smaller ones lose detail.
const SIZE_RANK = (f: IconFile): number => (f.scalable ? 0 : f.size >= 48 ? f.size : 10_000 - f.size);

/** The drawing to use for a name: non-symbolic before symbolic, scalable, then 48, 64, 96, … then 32, 24, 22, 16. */
export function pickDrawing(files: IconFile[], symbolic: boolean): IconFile | undefined {
  return files
    .filter((f) => f.symbolic === symbolic)
    .sort((a, b) => SIZE_RANK(a) - SIZE_RANK(b) || a.file.localeCompare(b.file))[0];
}
