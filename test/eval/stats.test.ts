import { describe, expect, it } from 'vitest';
import { compareResults, curveStats } from '../../src/eval/evaluate';
import { meanCi95 } from '../../src/eval/stats';

describe('mean ± 95% CI', () => {
  it('is 1.96·σ/√n with the sample standard deviation (fixture worked by hand)', () => {
    // xs = 1..5: mean 3, sample variance 2.5, σ = 1.5811388, CI = 1.96·1.5811388/√5 = 1.3859292
    const r = meanCi95([1, 2, 3, 4, 5]);
    expect(r.mean).toBe(3);
    expect(r.ci95).toBeCloseTo(1.3859292, 6);
    // accuracies of 4 episodes: mean 0.9, var = (0.01+0.01+0.01+0.01)/3, CI = 1.96·0.11547/2
    const a = meanCi95([0.8, 1, 0.8, 1]);
    expect(a.mean).toBeCloseTo(0.9, 12);
    expect(a.ci95).toBeCloseTo((1.96 * Math.sqrt(0.04 / 3)) / 2, 12);
  });

  it('is 0 for constant data and for one sample, NaN for none', () => {
    expect(meanCi95([2, 2, 2])).toEqual({ mean: 2, ci95: 0 });
    expect(meanCi95([7])).toEqual({ mean: 7, ci95: 0 });
    expect(Number.isNaN(meanCi95([]).mean)).toBe(true);
  });

  it('summarises per-step curves column by column and compares two results', () => {
    const c = curveStats([[4, 2, 1], [2, 2, 3]]);
    expect(c.map((p) => p.step)).toEqual([0, 1, 2]);
    expect(c.map((p) => p.mean)).toEqual([3, 2, 2]);
    expect(c[1]!.ci95).toBe(0);
    expect(c[0]!.ci95).toBeCloseTo((1.96 * Math.sqrt(2)) / Math.sqrt(2), 12);
    const d = compareResults({ mean: 0.9, ci95: 0.03 }, { mean: 0.8, ci95: 0.04 });
    expect(d.diff).toBeCloseTo(0.1, 12);
    expect(d.ci95).toBeCloseTo(0.05, 12);
    expect(d.paired).toBe(false);
    // The same episodes: a constant per-episode gap is known exactly, however spread the episodes are.
    const p = compareResults({ mean: 0.7, ci95: 0.3, perEpisode: [0.4, 1] }, { mean: 0.6, ci95: 0.3, perEpisode: [0.3, 0.9] });
    expect(p.paired).toBe(true);
    expect(p.diff).toBeCloseTo(0.1, 12);
    expect(p.ci95).toBeCloseTo(0, 12);
  });
});
