import { createHash } from 'node:crypto';
import { planVariations } from './augment';
import type { UnpackedPackage } from './download';
import { openFace, renderGlyph, scanFaces } from './faces';
import type { Face } from './faces';
import type { RasterOptions } from './rasterize';
import { GLYPH_RECIPE } from './recipe';
import type { GlyphRecipe } from './recipe';

/** One image of a class: the face that drew it, and whether it is an affine variation. */
export interface Instance {
  face: number;
  img: Uint8Array;
  augmented: boolean;
}

export interface BuiltClass {
  script: string;
  codePoint: number;
  instances: Instance[];
}

export interface BuildStats {
  faces: number;
  excludedFaces: string[];
  renders: number;
  dropped: { noInk: number; notdef: number; sameImageTwoChars: number; sameImageSameClass: number };
  /** Recipes with minInk / dropLookAlikes: thin renders dropped, classes dropped for sharing an image with an earlier class. */
  thin: number;
  lookAlikeClasses: string[];
  augmented: number;
}

export interface BuildResult {
  faces: Face[];
  classes: BuiltClass[];
  stats: BuildStats;
}

const keyOf = (img: Uint8Array): string => createHash('sha1').update(img).digest('base64');

// Characters ranked by cmap coverage are rendered with slack (recipe.candidatesPerGroup): filters remove some before the cut.
function pickCandidates(coverage: Map<number, number[]>, faces: Face[], recipe: GlyphRecipe): Map<number, string> {
  const byScript = new Map<string, { cp: number; n: number }[]>();
  for (const [cp, ids] of coverage) {
    const designs = new Set(ids.map((id) => faces[id]!.design));
    if (ids.length < recipe.minFaces || designs.size < recipe.minDesigns) continue;
    const script = recipe.groupOf(cp)!;
    (byScript.get(script) ?? byScript.set(script, []).get(script)!).push({ cp, n: ids.length });
  }
  const chosen = new Map<number, string>();
  for (const [script, list] of byScript) {
    list.sort((a, b) => b.n - a.n || a.cp - b.cp);
    for (const { cp } of list.slice(0, recipe.candidatesPerGroup)) chosen.set(cp, script);
  }
  return chosen;
}

/** Round-robin across designs (sorted by name), regular faces first within a design; exact duplicates dropped. */
function orderInstances(found: { face: number; img: Uint8Array }[], faces: Face[]): { list: Instance[]; dupes: number } {
  const byDesign = new Map<string, { face: number; img: Uint8Array }[]>();
  for (const f of found) {
    const d = faces[f.face]!.design;
    (byDesign.get(d) ?? byDesign.set(d, []).get(d)!).push(f);
  }
  const groups = [...byDesign.keys()].sort().map((d) =>
    byDesign.get(d)!.sort((a, b) => faces[a.face]!.rank - faces[b.face]!.rank || a.face - b.face),
  );
  const seen = new Set<string>();
  const list: Instance[] = [];
  let dupes = 0;
  const rounds = Math.max(...groups.map((g) => g.length));
  for (let r = 0; r < rounds; r++) {
    for (const g of groups) {
      const f = g[r];
      if (!f) continue;
      const k = keyOf(f.img);
      if (seen.has(k)) dupes++;
      else {
        seen.add(k);
        list.push({ face: f.face, img: f.img, augmented: false });
      }
    }
  }
  return { list, dupes };
}

/** Runs the recipe over unpacked packages: coverage, rendering, filters, class choice, augmentation fill. */
export function buildDataset(pkgs: UnpackedPackage[], seed: number, log: (s: string) => void, recipe: GlyphRecipe = GLYPH_RECIPE): BuildResult {
  const scriptCache = new Map<number, string | null>();
  const coverage = new Map<number, number[]>();
  const { faces, excluded } = scanFaces(pkgs, (face, font) => {
    for (const cp of font.characterSet) {
      let s = scriptCache.get(cp);
      if (s === undefined) scriptCache.set(cp, (s = recipe.groupOf(cp)));
      if (s) (coverage.get(cp) ?? coverage.set(cp, []).get(cp)!).push(face.id);
    }
  }, recipe.isExcludedFace);
  log(`faces: ${faces.length} usable, ${excluded.length} excluded by name; ${coverage.size} candidate characters`);
  const candidates = pickCandidates(coverage, faces, recipe);
  const perFace = new Map<number, number[]>();
  for (const cp of [...candidates.keys()].sort((a, b) => a - b))
    for (const id of coverage.get(cp)!) (perFace.get(id) ?? perFace.set(id, []).get(id)!).push(cp);

  const stats: BuildStats = {
    faces: faces.length,
    excludedFaces: excluded,
    renders: 0,
    dropped: { noInk: 0, notdef: 0, sameImageTwoChars: 0, sameImageSameClass: 0 },
    thin: 0,
    lookAlikeClasses: [],
    augmented: 0,
  };
  const found = new Map<number, { face: number; img: Uint8Array }[]>();
  let done = 0;
  for (const face of faces) {
    const cps = perFace.get(face.id);
    if (++done % 100 === 0) log(`  rendered faces ${done}/${faces.length} (${stats.renders} glyphs)`);
    if (!cps) continue;
    const font = openFace(pkgs[face.pkg]!, face);
    const notdef = renderGlyph(font, 'notdef');
    const notdefKey = notdef ? keyOf(notdef) : '';
    // One font drawing two characters of a script the same way: a placeholder box or a look-alike.
    const byKey = new Map<string, { cp: number; img: Uint8Array }[]>();
    for (const cp of cps) {
      stats.renders++;
      const img = renderGlyph(font, cp);
      if (!img) {
        stats.dropped.noInk++;
        continue;
      }
      if (recipe.minInk && img.reduce((a, v) => a + v, 0) < recipe.minInk * 255 * img.length) {
        stats.thin++;
        continue;
      }
      const k = keyOf(img);
      if (k === notdefKey) {
        stats.dropped.notdef++;
        continue;
      }
      const bucket = `${candidates.get(cp)}:${k}`;
      (byKey.get(bucket) ?? byKey.set(bucket, []).get(bucket)!).push({ cp, img });
    }
    for (const list of byKey.values()) {
      if (list.length > 1) {
        stats.dropped.sameImageTwoChars += list.length;
        continue;
      }
      const { cp, img } = list[0]!;
      (found.get(cp) ?? found.set(cp, []).get(cp)!).push({ face: face.id, img });
    }
  }
  log(`rendered ${stats.renders} glyphs`);

  const classes: BuiltClass[] = [];
  for (const script of [...recipe.splits.train, ...recipe.splits.validation, ...recipe.splits.test]) {
    const ranked: { cp: number; faces: number; list: Instance[] }[] = [];
    for (const [cp, s] of candidates) {
      if (s !== script) continue;
      // Eligibility counts faces as the recipe does (a UI twin of a face counts); instances are distinct images.
      const drawn = found.get(cp) ?? [];
      const designs = new Set(drawn.map((i) => faces[i.face]!.design));
      if (drawn.length < recipe.minFaces || designs.size < recipe.minDesigns) continue;
      const { list, dupes } = orderInstances(drawn, faces);
      if (list.length < (recipe.minInstances ?? 0)) continue;
      stats.dropped.sameImageSameClass += dupes;
      ranked.push({ cp, faces: drawn.length, list });
    }
    ranked.sort((a, b) => b.faces - a.faces || a.cp - b.cp);
    const kept = ranked.slice(0, recipe.maxClassesPerGroup).sort((a, b) => a.cp - b.cp);
    for (const { cp, list } of kept) classes.push({ script, codePoint: cp, instances: list.slice(0, recipe.instancesPerClass) });
  }
  if (recipe.dropLookAlikes) dropLookAlikes(classes, stats);
  stats.augmented = fillWithVariations(classes, faces, pkgs, seed, recipe.instancesPerClass);
  return { faces, classes, stats };
}

/**
 * Drops a class any of whose drawings equals a drawing of an earlier class (in group order, then code
 * point): the two characters look alike (⁄ fraction slash, ∕ division slash) or a font mislabels one.
 */
function dropLookAlikes(classes: BuiltClass[], stats: BuildStats): void {
  const owner = new Set<string>();
  const kept = classes.filter((c) => {
    const keys = c.instances.map((i) => keyOf(i.img));
    if (keys.some((k) => owner.has(k))) {
      stats.lookAlikeClasses.push(`${String.fromCodePoint(c.codePoint)} U+${c.codePoint.toString(16).toUpperCase()}`);
      return false;
    }
    for (const k of keys) owner.add(k);
    return true;
  });
  classes.splice(0, classes.length, ...kept);
}

/** Fills every class to `instances` images with seeded affine variations of its own instances' outlines. */
function fillWithVariations(classes: BuiltClass[], faces: Face[], pkgs: UnpackedPackage[], seed: number, instances: number): number {
  const jobs = new Map<number, { cls: BuiltClass; slot: number; cp: number; raster: RasterOptions }[]>();
  for (const cls of classes) {
    const plan = planVariations(cls.instances.map((i) => i.face), cls.codePoint, seed, instances);
    plan.forEach(({ source, raster }, k) => {
      const job = { cls, slot: cls.instances.length + k, cp: cls.codePoint, raster };
      (jobs.get(source) ?? jobs.set(source, []).get(source)!).push(job);
    });
  }
  let made = 0;
  const filled = new Map<BuiltClass, Instance[]>();
  for (const face of [...jobs.keys()].sort((a, b) => a - b)) {
    const font = openFace(pkgs[faces[face]!.pkg]!, faces[face]!);
    for (const job of jobs.get(face)!) {
      const img = renderGlyph(font, job.cp, job.raster);
      if (!img) throw new Error(`variation of U+${job.cp.toString(16)} in face ${face} has no ink`);
      const slots = filled.get(job.cls) ?? filled.set(job.cls, []).get(job.cls)!;
      slots[job.slot] = { face, img, augmented: true };
      made++;
    }
  }
  for (const [cls, slots] of filled) for (let s = cls.instances.length; s < slots.length; s++) cls.instances.push(slots[s]!);
  return made;
}
