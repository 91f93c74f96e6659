import { describe, expect, it } from 'vitest';
import { percentile, summarize, timeCalls } from '../../bench/suite/stats';

describe('bench statistics', () => {
  it('percentile is nearest-rank over sorted samples', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.9)).toBe(90);
    expect(percentile(xs, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('summarize sorts, and reports mean, min and the batch', () => {
    const s = summarize([5, 1, 3], 4);
    expect(s).toMatchObject({ p50: 3, min: 1, mean: 3, samples: 3, batch: 4 });
  });

  it('timeCalls runs warm-up, a calibration, then samples × batch calls (sync and async)', async () => {
    for (const async of [false, true]) {
      let calls = 0;
      const fn = async ? async () => void calls++ : () => void calls++;
      const s = await timeCalls(fn, { warmup: 3, samples: 5, minSampleMs: 0.5 });
      expect(s.samples).toBe(5);
      expect(s.batch).toBeGreaterThanOrEqual(1);
      // first call + warm-up + calibration batches (at least one of `batch`) + the timed samples
      expect(calls).toBeGreaterThanOrEqual(1 + 3 + s.batch + 5 * s.batch);
    }
  });
});
