/** Mean and 95% confidence half-width 1.96·σ/√n (σ the sample standard deviation, n − 1). */
export function meanCi95(xs: readonly number[]): { mean: number; ci95: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, ci95: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, ci95: 0 };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, ci95: (1.96 * Math.sqrt(variance)) / Math.sqrt(n) };
}
