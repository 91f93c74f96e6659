/** Rotates a square size×size image by quarter turns (clockwise) into out at position at. */
export function rotateQuarterInto(src: Float32Array, size: number, quarters: number, out: Float32Array, at: number): void {
  const q = ((quarters % 4) + 4) % 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Pixel (x, y) of the output comes from the source pixel that a q-turn clockwise moves there.
      let sx = x;
      let sy = y;
      if (q === 1) [sx, sy] = [y, size - 1 - x];
      else if (q === 2) [sx, sy] = [size - 1 - x, size - 1 - y];
      else if (q === 3) [sx, sy] = [size - 1 - y, x];
      out[at + y * size + x] = src[sy * size + sx]!;
    }
  }
}
