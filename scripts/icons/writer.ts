import { createHash } from 'node:crypto';
import type { GlyphPackage, IconClass, IconIndex, IconTheme } from '../../src/data/glyph-index';
import type { BuiltIconClass } from './build';
import type { ThemeSpec } from './recipe';
import { SIZE } from './to-gray';

/** Lists serialised one item per line in index.json. */
export const ICON_INDEX_LISTS = ['packages', 'themes', 'classes'] as const;

/** The family of an icon name: all but its last word (folder-music → folder, face-smile-big → face-smile, folder → folder). */
export const familyOf = (name: string): string => (name.includes('-') ? name.slice(0, name.lastIndexOf('-')) : name);

/**
 * Splits the classes into two halves, whole families at a time (folder, folder-open and
 * folder-music fall in the same half), balanced per context: families largest first (ties in a
 * seeded hash order), each to the half where the squared per-context and total imbalance is smaller.
 */
export function assignHalves(classes: { name: string; context: string }[], seed: number): Map<string, 'validation' | 'test'> {
  const families = new Map<string, { name: string; context: string }[]>();
  for (const c of classes) (families.get(familyOf(c.name)) ?? families.set(familyOf(c.name), []).get(familyOf(c.name))!).push(c);
  const hash = (f: string): string => createHash('sha256').update(`${seed}:${f}`).digest('hex');
  const ordered = [...families.keys()].sort((a, b) => families.get(b)!.length - families.get(a)!.length || (hash(a) < hash(b) ? -1 : 1));
  const halves = ['validation', 'test'] as const;
  const perContext = { validation: new Map<string, number>(), test: new Map<string, number>() };
  const total = { validation: 0, test: 0 };
  const out = new Map<string, 'validation' | 'test'>();
  for (const f of ordered) {
    const members = families.get(f)!;
    const add = new Map<string, number>();
    for (const m of members) add.set(m.context, (add.get(m.context) ?? 0) + 1);
    const cost = (h: 'validation' | 'test'): number => {
      const o = h === 'validation' ? 'test' : 'validation';
      let c = (total[h] + members.length - total[o]) ** 2;
      for (const [ctx, n] of add) c += ((perContext[h].get(ctx) ?? 0) + n - (perContext[o].get(ctx) ?? 0)) ** 2;
      return c;
    };
    const [cv, ct] = halves.map(cost);
    const half = cv! < ct! ? 'validation' : ct! < cv! ? 'test' : parseInt(hash(f).slice(0, 1), 16) % 2 === 0 ? 'validation' : 'test';
    for (const m of members) out.set(m.name, half);
    for (const [ctx, n] of add) perContext[half].set(ctx, (perContext[half].get(ctx) ?? 0) + n);
    total[half] += members.length;
  }
  return out;
}

/**
 * Lays the classes out as one uint8 [N, 28, 28] block and builds the index. Every class is in split
 * 'test' (the domain is held out from meta-training); `half` gives the fixed validation/test halves.
 */
export function assembleIcons(classes: BuiltIconClass[], specs: ThemeSpec[], packages: GlyphPackage[], seed: number): { pixels: Uint8Array; index: IconIndex } {
  const sorted = [...classes].sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : a.name < b.name ? -1 : 1));
  const images = sorted.reduce((n, c) => n + c.instances.length, 0);
  const pixels = new Uint8Array(images * SIZE * SIZE);
  const pkgIndex = new Map(packages.map((p, i) => [p.name, i]));
  const themes: IconTheme[] = specs.map((s) => ({
    name: s.name,
    dirs: s.dirs.map((d) => `usr/share/icons/${d.dir}`),
    packages: s.dirs.map((d) => pkgIndex.get(d.pkg)!),
  }));
  const halves = assignHalves(sorted, seed);
  let offset = 0;
  const out: IconClass[] = sorted.map((c, id) => {
    const entry: IconClass = {
      id,
      name: c.name,
      context: c.context,
      split: 'test',
      half: halves.get(c.name)!,
      offset,
      count: c.instances.length,
      sources: c.instances.map((i) => i.theme),
      files: c.instances.map((i) => i.file),
      symbolic: c.instances.flatMap((i, k) => (i.symbolic ? [k] : [])),
    };
    for (const inst of c.instances) {
      if (inst.img.length !== SIZE * SIZE) throw new Error('image of wrong size');
      pixels.set(inst.img, offset * SIZE * SIZE);
      offset++;
    }
    return entry;
  });
  const contexts = [...new Set(out.map((c) => c.context))].sort();
  return {
    pixels,
    index: { format: 'fewshot-icons/1', size: SIZE, images, seed, splits: { train: [], validation: [], test: contexts }, packages, themes, classes: out },
  };
}
