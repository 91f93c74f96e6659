import { PALETTE, esc, fmt, svgOpen, ticks } from './svg';

/** One bar: a method's mean with its 95% CI half-width. */
export interface Bar {
  label: string;
  mean: number;
  ci95: number;
}

/** A group of bars sharing an x position (e.g. one few-shot setting, one bar per algorithm). */
export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface BarChartOptions {
  title: string;
  yLabel?: string;
  /** Fixed y range (e.g. [0, 1] for accuracy); default from the data. */
  yRange?: [number, number];
  /** A horizontal reference line (e.g. the raw-pixel nearest-neighbour floor). */
  reference?: { value: number; label: string };
  width?: number;
  height?: number;
}

/** Grouped bar chart with 95% CI whiskers (accuracy per algorithm). Pure string. */
export function barChartSvg(groups: readonly BarGroup[], opts: BarChartOptions): string {
  const names = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.label)))];
  const W = opts.width ?? Math.max(480, 120 + groups.length * (names.length * 18 + 30) + 150);
  const H = opts.height ?? 380;
  const m = { l: 60, r: 150, t: 36, b: 48 };
  const vals = groups.flatMap((g) => g.bars.flatMap((b) => [b.mean - b.ci95, b.mean + b.ci95]));
  const [lo, hi] = opts.yRange ?? [Math.min(0, ...vals), Math.max(...vals, opts.reference?.value ?? -Infinity)];
  const Y = (v: number): number => H - m.b - ((H - m.t - m.b) * (Math.min(hi, Math.max(lo, v)) - lo)) / (hi - lo || 1);
  const groupW = (W - m.l - m.r) / Math.max(1, groups.length);
  const barW = Math.min(28, (groupW * 0.8) / Math.max(1, names.length));
  let out = svgOpen(W, H, opts.title);
  for (const t of ticks(lo, hi)) {
    out += `<line x1="${m.l}" y1="${Y(t).toFixed(1)}" x2="${W - m.r}" y2="${Y(t).toFixed(1)}" stroke="#dddddd"/>`;
    out += `<text x="${m.l - 6}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>\n`;
  }
  out += `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#000000"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#000000"/>\n`;
  out += `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel ?? 'accuracy')}</text>\n`;
  groups.forEach((g, gi) => {
    const x0 = m.l + gi * groupW + (groupW - barW * g.bars.length) / 2;
    g.bars.forEach((b, bi) => {
      const c = PALETTE[names.indexOf(b.label) % PALETTE.length]!;
      const x = x0 + bi * barW;
      const top = Y(b.mean);
      out += `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${Math.max(0, H - m.b - top).toFixed(1)}" fill="${c}"><title>${esc(`${b.label}: ${fmt(b.mean)} ± ${fmt(b.ci95)}`)}</title></rect>\n`;
      const cx = x + (barW - 2) / 2;
      out += `<path d="M${cx.toFixed(1)} ${Y(b.mean + b.ci95).toFixed(1)}V${Y(b.mean - b.ci95).toFixed(1)}M${(cx - 4).toFixed(1)} ${Y(b.mean + b.ci95).toFixed(1)}h8M${(cx - 4).toFixed(1)} ${Y(b.mean - b.ci95).toFixed(1)}h8" stroke="#000000" stroke-width="1.2" fill="none"/>\n`;
    });
    out += `<text x="${(m.l + (gi + 0.5) * groupW).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${esc(g.label)}</text>\n`;
  });
  if (opts.reference) {
    const y = Y(opts.reference.value).toFixed(1);
    out += `<line x1="${m.l}" y1="${y}" x2="${W - m.r}" y2="${y}" stroke="#444444" stroke-dasharray="5 4"/><text x="${W - m.r + 4}" y="${y}" font-size="11">${esc(opts.reference.label)}</text>\n`;
  }
  names.forEach((n, i) => {
    const ly = m.t + 14 + 18 * i;
    out += `<rect x="${W - m.r + 12}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/><text x="${W - m.r + 30}" y="${ly}">${esc(n)}</text>\n`;
  });
  return `${out}</svg>\n`;
}
