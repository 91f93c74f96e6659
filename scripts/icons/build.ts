import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createRng } from '../../src/util/random';
import type { UnpackedDeb } from '../glyphs/download';
import { loadIcon } from './load-icon';
import { EXCLUDED_NAME, MAX_INSTANCES, MIN_THEMES, NEAR_DUPLICATE_MEAN_ABS, NEAR_EMPTY } from './recipe';
import type { ThemeSpec } from './recipe';
import { pickDrawing, scanTheme } from './themes';
import type { IconFile } from './themes';
import { SIZE, iconToGray } from './to-gray';

/** One image of a class: the theme that drew it and the file it came from. */
export interface IconInstance {
  theme: number;
  /** Path relative to the package root. */
  file: string;
  symbolic: boolean;
  img: Uint8Array;
}

export interface BuiltIconClass {
  name: string;
  context: string;
  instances: IconInstance[];
}

export interface IconBuildStats {
  themes: { name: string; names: number }[];
  candidates: number;
  renders: number;
  dropped: { failed: number; nearEmpty: number; alias: number; sameImage: number; nearDuplicate: number };
  tooFewThemes: number;
}

interface ThemeIcons {
  spec: ThemeSpec;
  /** icon name → drawings, with the package root each drawing's path is relative to. */
  icons: Map<string, { files: IconFile[]; root: string; pkgDir: string }>;
}

const keyOf = (img: Uint8Array): string => createHash('sha1').update(img).digest('base64');

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** Scans every theme's directories; a name an old theme only has under a legacy name counts under its freedesktop name. */
export function scanThemes(specs: ThemeSpec[], pkgs: Map<string, UnpackedDeb>, legacy: Map<string, string>): ThemeIcons[] {
  return specs.map((spec) => {
    const icons: ThemeIcons['icons'] = new Map();
    for (const { pkg, dir } of spec.dirs) {
      const root = pkgs.get(pkg)!.root;
      const pkgDir = join('usr/share/icons', dir);
      for (const [name, files] of scanTheme(join(root, pkgDir))) if (!icons.has(name)) icons.set(name, { files, root, pkgDir });
    }
    for (const [old, name] of [...legacy].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const got = icons.get(old);
      if (got && !icons.has(name)) icons.set(name, got);
    }
    return { spec, icons };
  });
}

/** The context (places, actions, …) most themes file a name under; ties by name. */
function contextOf(name: string, themes: ThemeIcons[]): string {
  const votes = new Map<string, number>();
  for (const t of themes) for (const f of t.icons.get(name)?.files ?? []) if (f.context) votes.set(f.context, (votes.get(f.context) ?? 0) + 1);
  return [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'other';
}

/**
 * The recipe (docs/icons.md): names drawn by ≥ MIN_THEMES themes, most-drawn first; per name the
 * themes in a seeded order, colour drawings before symbolic ones; a drawing is dropped when it fails
 * to render, is near-empty, is a file an earlier class already took in that theme (an alias), or
 * equals (exactly, or nearly within the class) an image already kept. A name whose kept images come
 * from fewer than MIN_THEMES themes is no class.
 */
export async function buildIcons(themes: ThemeIcons[], seed: number, log: (s: string) => void): Promise<{ classes: BuiltIconClass[]; stats: IconBuildStats }> {
  const stats: IconBuildStats = {
    themes: themes.map((t) => ({ name: t.spec.name, names: t.icons.size })),
    candidates: 0,
    renders: 0,
    dropped: { failed: 0, nearEmpty: 0, alias: 0, sameImage: 0, nearDuplicate: 0 },
    tooFewThemes: 0,
  };
  const drawnBy = new Map<string, number>();
  for (const t of themes) for (const name of t.icons.keys()) drawnBy.set(name, (drawnBy.get(name) ?? 0) + 1);
  const candidates = [...drawnBy]
    .filter(([name, n]) => n >= MIN_THEMES && !EXCLUDED_NAME.test(name))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([name]) => name);
  stats.candidates = candidates.length;
  log(`${candidates.length} names drawn by ≥ ${MIN_THEMES} themes`);

  const rendered = new Map<string, Uint8Array | null>();
  const takenFiles = themes.map(() => new Set<string>());
  const takenImages = new Set<string>();
  const classes: BuiltIconClass[] = [];
  for (const [ci, name] of candidates.entries()) {
    if ((ci + 1) % 200 === 0) log(`  names ${ci + 1}/${candidates.length}: ${classes.length} classes, ${stats.renders} renders`);
    // A seeded theme order per name spreads the 20 slots over all themes instead of the alphabet's first.
    const rng = createRng((seed * 0x9e3779b1) ^ parseInt(createHash('sha1').update(name).digest('hex').slice(0, 8), 16));
    const order = themes.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const kept: (IconInstance & { real: string; key: string })[] = [];
    const seenHere = new Set<string>();
    const drop = { failed: 0, nearEmpty: 0, alias: 0, sameImage: 0, nearDuplicate: 0 };
    for (const symbolic of [false, true]) {
      for (const ti of order) {
        if (kept.length >= MAX_INSTANCES) break;
        const entry = themes[ti]!.icons.get(name);
        const f = entry && pickDrawing(entry.files, symbolic);
        if (!f) continue;
        if (takenFiles[ti]!.has(f.real)) {
          drop.alias++;
          continue;
        }
        let img = rendered.get(f.real);
        if (img === undefined) {
          stats.renders++;
          const rgba = await loadIcon(f.real);
          img = rgba ? iconToGray(rgba) : null;
          rendered.set(f.real, img);
        }
        if (!img) {
          drop.failed++;
          continue;
        }
        let ink = 0;
        for (const v of img) ink += v;
        if (ink / 255 < NEAR_EMPTY * SIZE * SIZE) {
          drop.nearEmpty++;
          continue;
        }
        const key = keyOf(img);
        if (takenImages.has(key) || seenHere.has(key)) {
          drop.sameImage++;
          continue;
        }
        seenHere.add(key);
        if (kept.some((k) => meanAbsDiff(k.img, img) < NEAR_DUPLICATE_MEAN_ABS)) {
          drop.nearDuplicate++;
          continue;
        }
        kept.push({ theme: ti, file: join(entry.pkgDir, f.file), symbolic, img, real: f.real, key });
      }
    }
    const themeCount = new Set(kept.map((k) => k.theme)).size;
    if (themeCount < MIN_THEMES) {
      stats.tooFewThemes++;
      continue;
    }
    for (const [k, v] of Object.entries(drop)) stats.dropped[k as keyof typeof drop] += v;
    for (const k of kept) {
      takenFiles[k.theme]!.add(k.real);
      takenImages.add(k.key);
    }
    classes.push({ name, context: contextOf(name, themes), instances: kept.map(({ theme, file, symbolic, img }) => ({ theme, file, symbolic, img })) });
  }
  // Memory: the render cache holds every drawing seen once; it is only needed while choosing.
  rendered.clear();
  return { classes, stats };
}
