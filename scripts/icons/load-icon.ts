import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { Rgba } from './to-gray';

// SVGs are rasterised near this many pixels on their longer side before the area fit to 24 px.
const SVG_PIXELS = 96;

/** Decodes a PNG or rasterises an SVG (sharp: libvips + librsvg) into non-premultiplied RGBA. */
export async function loadIcon(path: string): Promise<Rgba | null> {
  try {
    const bytes = readFileSync(path);
    let img = sharp(bytes, { failOn: 'error' });
    if (/\.svg$/i.test(path)) {
      const meta = await img.metadata();
      const side = Math.max(meta.width ?? SVG_PIXELS, meta.height ?? SVG_PIXELS);
      const density = Math.min(2400, Math.max(1, (72 * SVG_PIXELS) / side));
      img = sharp(bytes, { density, failOn: 'error' });
    }
    const { data, info } = await img.toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) return null;
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch {
    return null;
  }
}
