import * as fontkit from 'fontkit';
import type { Font } from 'fontkit';
import { join } from 'node:path';
import type { UnpackedPackage } from './download';
import { designOf, isExcludedFace, styleRank } from './recipe';
import { flattenPath, rasterizeOutline } from './rasterize';
import type { RasterOptions } from './rasterize';

/** One usable face of a font file (a .ttc holds several). */
export interface Face {
  /** Position in the sorted list of all faces: the stable id used everywhere. */
  id: number;
  pkg: number;
  /** Path inside the package; `#n` marks face n of a collection. */
  file: string;
  family: string;
  style: string;
  fullName: string;
  design: string;
  rank: number;
}

// Some name tables hold non-Unicode records that fontkit returns as raw bytes.
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Opens every face of a font file; a file fontkit cannot parse yields none. */
export function openFaces(path: string): Font[] {
  try {
    const f = fontkit.openSync(path);
    return 'fonts' in f ? f.fonts : [f];
  } catch {
    return [];
  }
}

/** Opens the face a Face record points at. */
export function openFace(pkg: UnpackedPackage, face: Face): Font {
  const [file, n] = face.file.split('#');
  const fonts = openFaces(join(pkg.root, file!));
  const font = fonts[n === undefined ? 0 : Number(n)];
  if (!font) throw new Error(`cannot reopen ${face.file} from ${pkg.name}`);
  return font;
}

/** Lists the faces of the packages, dropping faces excluded by name, in a fixed order; calls visit with each open font. */
export function scanFaces(
  pkgs: UnpackedPackage[],
  visit: (face: Face, font: Font) => void,
  excludeFace: (fullName: string, family: string) => boolean = isExcludedFace,
): { faces: Face[]; excluded: string[] } {
  const faces: Face[] = [];
  const excluded: string[] = [];
  pkgs.forEach((pkg, pkgIndex) => {
    for (const file of pkg.fontFiles) {
      const fonts = openFaces(join(pkg.root, file));
      fonts.forEach((font, n) => {
        const family = text(font.getName('preferredFamily')) || text(font.familyName);
        const style = text(font.getName('preferredSubfamily')) || text(font.subfamilyName);
        const fullName = text(font.fullName) || `${family} ${style}`;
        if (excludeFace(fullName, family)) {
          excluded.push(`${fullName} (${pkg.name})`);
          return;
        }
        const face: Face = {
          id: faces.length,
          pkg: pkgIndex,
          file: fonts.length > 1 ? `${file}#${n}` : file,
          family,
          style,
          fullName,
          design: designOf(family),
          rank: styleRank(style, fullName),
        };
        faces.push(face);
        visit(face, font);
      });
    }
  });
  return { faces, excluded };
}

/** Renders a glyph of a font (by code point, or id 0 for .notdef); null when it has no outline or no ink. */
export function renderGlyph(font: Font, codePoint: number | 'notdef', options: RasterOptions = {}): Uint8Array | null {
  try {
    const glyph = codePoint === 'notdef' ? font.getGlyph(0) : font.glyphForCodePoint(codePoint);
    if (codePoint !== 'notdef' && glyph.id === 0) return null;
    const img = rasterizeOutline(flattenPath(glyph.path.commands), options);
    return img && img.some((v) => v > 0) ? img : null;
  } catch {
    return null;
  }
}
