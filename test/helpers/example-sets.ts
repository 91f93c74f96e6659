/**
 * Seeded 16-d examples for the tiny fixture: `ways` classes around seeded centres, every value a
 * multiple of 1/256 in [-4, 4] — exactly representable in f16, so what is stored is what was sent.
 */
export function examplesFor(ways: number, shots: number, seed: number, names?: string[]) {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const q = (v: number) => Math.round(v * 256) / 256;
  const centres = Array.from({ length: ways }, () => Array.from({ length: 16 }, () => q(rnd() * 4 - 2)));
  const inputs: number[][] = [];
  const labels: string[] = [];
  for (let k = 0; k < shots; k++) {
    for (let c = 0; c < ways; c++) {
      inputs.push(centres[c]!.map((v) => q(v + (rnd() - 0.5) * 0.2)));
      labels.push(names?.[c] ?? `class-${c}`);
    }
  }
  return { inputs, labels, centres };
}
