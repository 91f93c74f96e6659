// Timing primitives shared by every runtime of the suite (no node:* imports: they run in workerd too).

/** Percentiles of a set of samples, in the samples' unit (ms everywhere in the suite). */
export interface Stats {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  samples: number;
  /** Calls per timed sample (batching resolves workerd's 1 ms clock); 1 for per-call samples. */
  batch: number;
}

/** Nearest-rank percentile of sorted samples (q in [0, 1]). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** p50/p90/p99, mean and min of raw samples. */
export function summarize(xs: readonly number[], batch = 1): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { p50: percentile(s, 0.5), p90: percentile(s, 0.9), p99: percentile(s, 0.99), mean, min: s[0] ?? Number.NaN, samples: s.length, batch };
}

export interface TimeOptions {
  warmup: number;
  samples: number;
  /** A sample times as many calls as it takes to last at least this long. */
  minSampleMs: number;
}

/** Quick and full settings; quick keeps every case but trims samples. */
export const timeOptions = (quick: boolean, slow = false): TimeOptions =>
  quick ? { warmup: slow ? 2 : 5, samples: 7, minSampleMs: 10 } : { warmup: slow ? 5 : 20, samples: 21, minSampleMs: 25 };

/**
 * Settings of a side-by-side pair (`timePair`) whose ratio is the figure read: more and longer samples
 * than a single case even when quick (the pairs here are ms-scale calls: a few seconds in all), so
 * workerd's 1 ms clock and a loaded machine move the ratio less.
 */
export const pairOptions = (quick: boolean): TimeOptions => (quick ? { warmup: 5, samples: 15, minSampleMs: 25 } : { warmup: 20, samples: 31, minSampleMs: 25 });

/** Runs `fn` `n` times; awaits only when it is async (an await per call would tax µs-scale calls). */
async function repeat(fn: () => unknown, n: number, isAsync: boolean): Promise<void> {
  if (isAsync) for (let i = 0; i < n; i++) await fn();
  else for (let i = 0; i < n; i++) fn();
}

/** How many calls of `fn` last at least `minMs` on this clock (workerd's ticks in 1 ms steps). */
async function calibrate(fn: () => unknown, minMs: number, isAsync: boolean): Promise<number> {
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    await repeat(fn, batch, isAsync);
    const dt = performance.now() - t0;
    if (dt >= minMs) return batch;
    batch = dt > 0 ? Math.ceil(batch * Math.min(10, (1.2 * minMs) / dt)) : batch * 10;
  }
}

/**
 * ms per call of `fn` (sync or async): warm-up, then `samples` timings of a batch sized to last
 * ≥ `minSampleMs`, each divided by the batch. Percentiles are over samples (batch means), so p99 of a
 * batched case is the spread between batches, not a per-call tail.
 */
export async function timeCalls(fn: () => unknown, opts: TimeOptions): Promise<Stats> {
  const first = fn();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  await repeat(fn, opts.warmup, isAsync);
  const batch = await calibrate(fn, opts.minSampleMs, isAsync);
  const out: number[] = [];
  for (let s = 0; s < opts.samples; s++) {
    const t0 = performance.now();
    await repeat(fn, batch, isAsync);
    out.push((performance.now() - t0) / batch);
  }
  return summarize(out, batch);
}

/**
 * ms per call of `a` and of `b` (sync or async), side by side: warm-up of both, one batch size for
 * both (the slower one's, so each sample is the same number of calls), then samples alternating
 * which goes first, so a change of load hits both alike.
 */
export async function timePair(a: () => unknown, b: () => unknown, opts: TimeOptions): Promise<[Stats, Stats]> {
  const firstA = a();
  const isAsync = firstA instanceof Promise;
  if (isAsync) await firstA;
  await repeat(b, 1, isAsync);
  await repeat(a, opts.warmup, isAsync);
  await repeat(b, opts.warmup, isAsync);
  const n = Math.min(await calibrate(a, opts.minSampleMs, isAsync), await calibrate(b, opts.minSampleMs, isAsync));
  const xs: number[] = [];
  const ys: number[] = [];
  const time = async (fn: () => unknown): Promise<number> => {
    const t0 = performance.now();
    await repeat(fn, n, isAsync);
    return (performance.now() - t0) / n;
  };
  for (let s = 0; s < opts.samples; s++) {
    if (s % 2 === 0) {
      xs.push(await time(a));
      ys.push(await time(b));
    } else {
      ys.push(await time(b));
      xs.push(await time(a));
    }
  }
  return [summarize(xs, n), summarize(ys, n)];
}

/** The smallest nonzero step of performance.now() (workerd locally: 1 ms; Node: sub-µs). */
export function clockResolutionMs(): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    let t1 = t0;
    while (t1 === t0) t1 = performance.now();
    best = Math.min(best, t1 - t0);
  }
  return best;
}

/** Rounds for reports: 3 significant decimals below 10, else 2. */
export function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  const d = Math.abs(x) < 10 ? 1000 : 100;
  return Math.round(x * d) / d;
}
