import { createRng } from '../util/random';
import type { Rng } from '../util/random';
import type { RegressionTask, TaskSource } from './types';

/** Finn et al. 2017: y = A·sin(x − φ), A ~ U[0.1, 5], φ ~ U[0, π], x ~ U[−5, 5]. */
export const SINUSOID = { minAmplitude: 0.1, maxAmplitude: 5, maxPhase: Math.PI, minX: -5, maxX: 5 } as const;

export interface SinusoidOptions {
  /** K support points per task. */
  shots: number;
  /** Query points per task (ignored when `evenQueries`). */
  queries: number;
  seed: number;
  /** Test protocol: this many evenly spaced query points on [−5, 5] (100 in the paper's evaluation). */
  evenQueries?: number;
}

/** Evenly spaced points on [−5, 5], both ends included. */
export function evenGrid(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? 0 : SINUSOID.minX + ((SINUSOID.maxX - SINUSOID.minX) * i) / (n - 1);
  return out;
}

/** Draws one sinusoid task from an rng (amplitude, then phase, then support x, then query x). */
export function drawSinusoid(rng: Rng, opts: Omit<SinusoidOptions, 'seed'>): RegressionTask {
  const amplitude = SINUSOID.minAmplitude + (SINUSOID.maxAmplitude - SINUSOID.minAmplitude) * rng.next();
  const phase = SINUSOID.maxPhase * rng.next();
  const f = (x: number): number => amplitude * Math.sin(x - phase);
  const draw = (n: number): Float32Array => Float32Array.from({ length: n }, () => SINUSOID.minX + (SINUSOID.maxX - SINUSOID.minX) * rng.next());
  const sx = draw(opts.shots);
  const qx = opts.evenQueries ? evenGrid(opts.evenQueries) : draw(opts.queries);
  return {
    kind: 'regression',
    amplitude,
    phase,
    support: { x: sx, y: sx.map(f), n: sx.length },
    query: { x: qx, y: qx.map(f), n: qx.length },
  };
}

/** A seeded stream of sinusoid tasks: the sequence depends only on the options. */
export function createSinusoidSource(opts: SinusoidOptions): TaskSource<RegressionTask> {
  const rng = createRng(opts.seed);
  return { next: () => drawSinusoid(rng, opts) };
}
