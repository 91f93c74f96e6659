import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { GlyphClass, GlyphFont, GlyphIndex, GlyphPackage, SplitName } from '../../src/data/glyph-index';
import type { BuiltClass } from './build';
import type { Face } from './faces';
import { SPLIT_SCRIPTS, splitOfGroup } from './recipe';

export const SIZE = 28;

/** Lays classes out as one uint8 [N, 28, 28] block and builds the index; only faces that drew something are listed. */
export function assemble(
  classes: BuiltClass[],
  faces: Face[],
  packages: GlyphPackage[],
  seed: number,
  splitGroups: Record<SplitName, readonly string[]> = SPLIT_SCRIPTS,
): { pixels: Uint8Array; index: GlyphIndex } {
  const images = classes.reduce((n, c) => n + c.instances.length, 0);
  const pixels = new Uint8Array(images * SIZE * SIZE);
  const used = [...new Set(classes.flatMap((c) => c.instances.map((i) => i.face)))].sort((a, b) => a - b);
  const fontIndex = new Map(used.map((f, i) => [f, i]));
  const fonts: GlyphFont[] = used.map((f) => {
    const face = faces[f]!;
    return { file: face.file, package: face.pkg, family: face.family, style: face.style, design: face.design };
  });
  let offset = 0;
  const out: GlyphClass[] = classes.map((c, id) => {
    const entry: GlyphClass = {
      id,
      script: c.script,
      split: splitOfGroup(splitGroups, c.script),
      codePoint: c.codePoint,
      char: String.fromCodePoint(c.codePoint),
      offset,
      count: c.instances.length,
      sources: c.instances.map((i) => fontIndex.get(i.face)!),
      augmentedFrom: c.instances.findIndex((i) => i.augmented) === -1 ? c.instances.length : c.instances.findIndex((i) => i.augmented),
    };
    for (const inst of c.instances) {
      if (inst.img.length !== SIZE * SIZE) throw new Error('image of wrong size');
      pixels.set(inst.img, offset * SIZE * SIZE);
      offset++;
    }
    return entry;
  });
  const splits = { train: [...splitGroups.train], validation: [...splitGroups.validation], test: [...splitGroups.test] };
  return { pixels, index: { format: 'fewshot-glyphs/1', size: SIZE, images, seed, splits, packages, fonts, classes: out } };
}

/** JSON with one list item (font, theme, class) per line: compact, yet diffs stay readable. */
export function indexToJson(index: object, lists: readonly string[] = ['packages', 'fonts', 'classes']): string {
  const entries = Object.entries(index);
  const list = (items: unknown[]): string => `[\n${items.map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`;
  const headJson = entries.filter(([k]) => !lists.includes(k)).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const listJson = lists.map((k) => `  ${JSON.stringify(k)}: ${list((index as Record<string, unknown[]>)[k]!)}`);
  return `{\n${[...headJson, ...listJson].join(',\n')}\n}\n`;
}

/** The committed files as bytes: gzip at a fixed level with no name or mtime, so equal inputs give equal bytes. */
export function serialize(pixels: Uint8Array, index: object, lists?: readonly string[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('pixels.u8.gz', gzipSync(pixels, { level: 9 }));
  files.set('index.json', Buffer.from(indexToJson(index, lists), 'utf8'));
  const sums = [...files].map(([name, bytes]) => `${createHash('sha256').update(bytes).digest('hex')}  ${name}\n`).join('');
  files.set('SHA256SUMS', Buffer.from(sums, 'utf8'));
  return files;
}
