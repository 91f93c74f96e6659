import { createRng } from '../util/random';
import type { Rng } from '../util/random';

/**
 * Seeded synthetic "sentence embeddings" for tests and benchmarks of embedding-input models. They
 * imitate what real embedders emit, which is what makes a nearest-prototype rule imperfect:
 * - anisotropy: every vector shares a common direction (real embeddings have pairwise cosines far
 *   above 0), so raw dot products are dominated by it;
 * - nuisance: a few directions shared by all classes (style, length, language) carry more variance
 *   than the class signal, so a few gradient steps that learn to ignore them beat plain prototypes;
 * - norm spread: each vector is scaled by a factor in [0.5, 2), as un-normalised encoders do, so
 *   L2-normalising the inputs matters.
 */
export interface EmbeddingClusterOptions {
  dim: number;
  classes: number;
  seed: number;
  /** Length of the shared direction relative to a class centre (default 2). */
  anisotropy?: number;
  /** Per-coordinate noise around a class centre, relative to the centre's length (default 0.6). */
  noise?: number;
  /** Number of shared nuisance directions (default 4) and their standard deviation (default 0.8). */
  nuisanceDims?: number;
  nuisance?: number;
}

export interface EmbeddingClusters {
  dim: number;
  classes: number;
  /** Draws `perClass` examples of each class, class-major; labels are `class-<i>`. */
  sample(perClass: number, seed: number): { inputs: number[][]; labels: string[] };
}

const unit = (v: number[]): number[] => {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
};
const gaussian = (rng: Rng, dim: number): number[] => Array.from({ length: dim }, () => rng.normal());

/** A fixed set of class centres (from `seed`) to draw support and query sets from. */
export function embeddingClusters(opts: EmbeddingClusterOptions): EmbeddingClusters {
  const { dim, classes, seed } = opts;
  const rng = createRng(seed);
  const common = unit(gaussian(rng, dim)).map((x) => x * (opts.anisotropy ?? 2));
  const centres = Array.from({ length: classes }, () => unit(gaussian(rng, dim)));
  const nuisance = Array.from({ length: opts.nuisanceDims ?? 4 }, () => unit(gaussian(rng, dim)));
  const noise = (opts.noise ?? 0.6) / Math.sqrt(dim);
  const nuisanceSd = opts.nuisance ?? 0.8;
  return {
    dim,
    classes,
    sample(perClass, sampleSeed) {
      const r = createRng(sampleSeed);
      const inputs: number[][] = [];
      const labels: string[] = [];
      for (let c = 0; c < classes; c++) {
        for (let i = 0; i < perClass; i++) {
          const v = centres[c]!.map((x, j) => x + common[j]! + noise * r.normal());
          for (const dir of nuisance) {
            const a = nuisanceSd * r.normal();
            for (let j = 0; j < dim; j++) v[j]! += a * dir[j]!;
          }
          const scale = 0.5 + 1.5 * r.next();
          // Rounded to float32 so a JSON round trip (and every runtime) sees the same numbers.
          inputs.push(v.map((x) => Math.fround(x * scale)));
          labels.push(`class-${c}`);
        }
      }
      return { inputs, labels };
    },
  };
}
