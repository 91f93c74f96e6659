import { readFileSync } from 'node:fs';

/** A theme as the generator reads it: a name and the package directories that make it up, in priority order. */
export interface ThemeSpec {
  name: string;
  dirs: { pkg: string; dir: string }[];
}

export const MIN_THEMES = 8;
export const MAX_INSTANCES = 20;
// Less object than this share of the frame is a dot, a hairline or a broken render.
export const NEAR_EMPTY = 0.03;
// Two drawings of a class whose pixels differ by less than this on average (of 255) are one drawing
// recoloured (Obsidian from Faenza, Moka from Faba): the later one is dropped.
export const NEAR_DUPLICATE_MEAN_ABS = 6;
// Mirrored twins (-rtl/-ltr) of another class, and names that are sizes of a drawing rather than a concept.
export const EXCLUDED_NAME = /-(rtl|ltr)$|^(gtk|stock|gnome-stock)-|^image-missing$|^(process-working|image-loading)$/;

/** Reads a themes file: `Name pkg:dir [pkg:dir …]` per line, `#` comments. */
export function readThemes(path: string): ThemeSpec[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((l) => {
      const [name, ...dirs] = l.split(/\s+/);
      return {
        name: name!,
        dirs: dirs.map((d) => {
          const [pkg, dir] = d.split(':');
          if (!pkg || !dir) throw new Error(`bad theme entry ${d}`);
          return { pkg, dir };
        }),
      };
    });
}

/** legacy-icon-mapping.xml of icon-naming-utils: old name → freedesktop name (an old theme's `gtk-copy` is `edit-copy`). */
export function parseLegacyMapping(xml: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of xml.matchAll(/<icon name="([^"]+)">([\s\S]*?)<\/icon>/g)) {
    for (const l of m[2]!.matchAll(/<link>([^<]+)<\/link>/g)) if (!map.has(l[1]!.trim())) map.set(l[1]!.trim(), m[1]!);
  }
  return map;
}
