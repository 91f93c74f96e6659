import { PALETTE, esc, fmt, svgOpen, ticks } from './svg';

/** One method's curve: mean (and 95% CI half-width) of the metric after each number of gradient steps. */
export interface CurveSeries {
  label: string;
  points: { step: number; mean: number; ci95: number }[];
}

export interface CurvePlotOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

/** Learning curves like Fig. 3 of Finn et al. 2017: metric vs gradient steps per method, CI bands, legend. Pure string. */
export function learningCurvesSvg(series: readonly CurveSeries[], opts: CurvePlotOptions): string {
  const W = opts.width ?? 560;
  const H = opts.height ?? 380;
  const m = { l: 64, r: 170, t: 36, b: 48 };
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p.step));
  const yMax = Math.max(1e-9, ...all.map((p) => p.mean + p.ci95));
  const yTicks = ticks(0, yMax);
  const yTop = Math.max(yMax, yTicks.at(-1)!);
  const X = (v: number): number => m.l + ((W - m.l - m.r) * v) / xMax;
  const Y = (v: number): number => H - m.b - ((H - m.t - m.b) * v) / yTop;
  let out = svgOpen(W, H, opts.title);
  out += `<g stroke="#cccccc" stroke-width="1">\n`;
  for (const t of yTicks) out += `<line x1="${m.l}" y1="${Y(t).toFixed(1)}" x2="${W - m.r}" y2="${Y(t).toFixed(1)}"/>\n`;
  out += `</g>\n<g stroke="#000000"><line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}"/></g>\n`;
  for (const t of yTicks) out += `<text x="${m.l - 6}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>\n`;
  for (const t of ticks(0, xMax, Math.min(10, xMax))) out += `<text x="${X(t).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${fmt(t)}</text>\n`;
  out += `<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(opts.xLabel ?? 'number of gradient steps')}</text>\n`;
  out += `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel ?? 'mean squared error')}</text>\n`;
  series.forEach((s, i) => {
    const c = PALETTE[i % PALETTE.length]!;
    const upper = s.points.map((p) => `${X(p.step).toFixed(1)},${Y(p.mean + p.ci95).toFixed(1)}`);
    const lower = s.points.map((p) => `${X(p.step).toFixed(1)},${Y(Math.max(0, p.mean - p.ci95)).toFixed(1)}`).reverse();
    out += `<polygon points="${[...upper, ...lower].join(' ')}" fill="${c}" fill-opacity="0.15" stroke="none"/>\n`;
    out += `<polyline points="${s.points.map((p) => `${X(p.step).toFixed(1)},${Y(p.mean).toFixed(1)}`).join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>\n`;
    for (const p of s.points) out += `<circle cx="${X(p.step).toFixed(1)}" cy="${Y(p.mean).toFixed(1)}" r="2.5" fill="${c}"/>\n`;
    const ly = m.t + 14 + 18 * i;
    out += `<line x1="${W - m.r + 12}" y1="${ly - 4}" x2="${W - m.r + 32}" y2="${ly - 4}" stroke="${c}" stroke-width="2"/><text x="${W - m.r + 38}" y="${ly}">${esc(s.label)}</text>\n`;
  });
  return `${out}</svg>\n`;
}
