// The few parts of fontkit 2.0.4 (untyped) the generator uses.
declare module 'fontkit' {
  export interface PathCommand {
    command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath';
    args: number[];
  }
  export interface Glyph {
    id: number;
    path: { commands: PathCommand[] };
  }
  export interface Font {
    familyName: string;
    subfamilyName: string;
    fullName: string;
    postscriptName: string;
    characterSet: number[];
    getName(key: string, lang?: string): string | null;
    glyphForCodePoint(codePoint: number): Glyph;
    getGlyph(id: number): Glyph;
  }
  export interface FontCollection {
    fonts: Font[];
  }
  export function openSync(path: string): Font | FontCollection;
}
