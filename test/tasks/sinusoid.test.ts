import { describe, expect, it } from 'vitest';
import { createSinusoidSource, evenGrid, SINUSOID } from '../../src/tasks/sinusoid';

describe('sinusoid tasks (Finn et al. 2017 protocol)', () => {
  it('draws amplitude in [0.1, 5], phase in [0, π], x in [−5, 5], and y = A·sin(x − φ)', () => {
    const src = createSinusoidSource({ shots: 10, queries: 7, seed: 3 });
    let minA = Infinity, maxA = -Infinity, maxP = -Infinity;
    for (let i = 0; i < 2000; i++) {
      const t = src.next();
      minA = Math.min(minA, t.amplitude!);
      maxA = Math.max(maxA, t.amplitude!);
      maxP = Math.max(maxP, t.phase!);
      expect(t.support.n).toBe(10);
      expect(t.query.n).toBe(7);
      for (const side of [t.support, t.query]) {
        side.x.forEach((x, j) => {
          expect(x).toBeGreaterThanOrEqual(SINUSOID.minX);
          expect(x).toBeLessThanOrEqual(SINUSOID.maxX);
          expect(side.y[j]).toBeCloseTo(t.amplitude! * Math.sin(x - t.phase!), 4);
        });
      }
    }
    expect(minA).toBeGreaterThanOrEqual(0.1);
    expect(minA).toBeLessThan(0.2);
    expect(maxA).toBeLessThanOrEqual(5);
    expect(maxA).toBeGreaterThan(4.9);
    expect(maxP).toBeLessThanOrEqual(Math.PI);
    expect(maxP).toBeGreaterThan(3.0);
  });

  it('is a function of the seed only', () => {
    const a = createSinusoidSource({ shots: 5, queries: 5, seed: 9 });
    const b = createSinusoidSource({ shots: 5, queries: 5, seed: 9 });
    const c = createSinusoidSource({ shots: 5, queries: 5, seed: 10 });
    const [ta, tb, tc] = [a.next(), b.next(), c.next()];
    expect(Array.from(ta.support.x)).toEqual(Array.from(tb.support.x));
    expect(Array.from(ta.support.x)).not.toEqual(Array.from(tc.support.x));
  });

  it('tests on 100 evenly spaced query points on [−5, 5]', () => {
    const g = evenGrid(100);
    expect(g.length).toBe(100);
    expect(g[0]).toBe(-5);
    expect(g[99]).toBe(5);
    for (let i = 1; i < 100; i++) expect(g[i]! - g[i - 1]!).toBeCloseTo(10 / 99, 5);
    const t = createSinusoidSource({ shots: 10, queries: 3, seed: 1, evenQueries: 100 }).next();
    expect(Array.from(t.query.x)).toEqual(Array.from(g));
  });
});
