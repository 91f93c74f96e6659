// An image model version's part of docs/results.md, from the JSON scripts/results-image-all.sh writes
// (docs/results/V-*.json): glyph test splits (scripts/results-v2.ts rows) and the held-out icons
// domain's test half (scripts/adapt-sweep.ts: the default, the same steps without the guard, and v2's
// film steps, each paired with steps 0 on the same episodes).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Ci {
  mean: number;
  ci95: number;
}

interface GlyphRow {
  style: string;
  ways: number;
  shots: number;
  acc_steps0: Ci;
  acc_steps: Ci;
  paired_diff: Ci;
  error_cut: number;
  acc_api?: Ci;
  ece: number;
  auroc_out_of_episode?: number;
  auroc_junk?: number;
  reject_real?: number;
  reject_out_of_episode?: number;
}

interface SweepFile {
  shots: number;
  ways: number;
  episodes: number;
  steps0: Ci;
  variants: { name: string; acc: Ci; diff: Ci; adapted: number }[];
}

const pct = (x: Ci | undefined): string => (x ? `${(100 * x.mean).toFixed(2)} ± ${(100 * x.ci95).toFixed(2)}` : '—');
const signed = (x: Ci | undefined): string => (x ? `${x.mean >= 0 ? '+' : '−'}${Math.abs(100 * x.mean).toFixed(2)} ± ${(100 * x.ci95).toFixed(2)}` : '—');
const per = (x: number | undefined): string => (x === undefined ? '—' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(3));
const STYLE: Record<string, string> = { clean: 'clean', image: 'per-image variation', episode: 'per-user style' };

function read<T>(dir: string, id: string): T | undefined {
  const f = join(dir, `${id}.json`);
  if (!existsSync(f)) return undefined;
  const v = JSON.parse(readFileSync(f, 'utf8')) as T | T[];
  return Array.isArray(v) ? v[0] : v;
}

interface VsFile {
  ways: number;
  shots: number;
  episodes: number;
  mean: number;
  ci95: number;
  baseline: { mean: number; ci95: number };
  difference: { mean: number; ci95: number; paired: boolean };
}

/** An image model version's section (empty when its JSON is absent): `title` names the model, `previous` the body it is paired against. */
export function imageSection(dir: string, v: string, title: string, previous?: string): string {
  const ids = ['clean-5w1s', 'clean-5w5s', 'episode-5w1s', 'episode-5w5s', 'image-5w1s', 'image-5w5s', 'clean-20w1s'];
  const rows = ids.map((id) => read<GlyphRow>(dir, `${v}-${id}`)).filter((r): r is GlyphRow => !!r);
  const icons = [1, 2, 5].map((k) => read<SweepFile>(dir, `${v}-icons-5w${k}s`)).filter((r): r is SweepFile => !!r);
  const vs = ['5w1s', '5w5s', '20w1s'].map((k) => read<VsFile>(dir, `${v}-vs-previous-${k}`)).filter((r): r is VsFile => !!r);
  if (!rows.length && !icons.length) return '';
  let md = `### ${title}\n\n`;
  md += `Made by \`bash scripts/results-image-all.sh ${v} …\` (JSON in \`docs/results/${v}-*.json\`). Every setting was chosen on validation data (glyph validation scripts; the icons domain's validation half — see the notes above); these rows are the glyph **test** scripts and the icons **test** half, 600 episodes each. "steps 0" and "default" adapt the **same** episodes: the difference is paired (mean ± 95% CI of the per-episode difference). "Through the API" counts a query answered "none of these" as wrong, at the bundle's distance for that shot count.\n\n`;
  if (rows.length) {
    md += '| split | setting | steps 0 | default | paired difference (points) | error cut | through the API | real queries rejected | out-of-episode queries rejected | AUROC, out-of-episode | AUROC, blank/ink/noise | ECE |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n';
    for (const r of rows) md += `| ${STYLE[r.style]} | ${r.ways}-way ${r.shots}-shot | ${pct(r.acc_steps0)} | ${pct(r.acc_steps)} | ${signed(r.paired_diff)} | ${per(r.error_cut)} | ${pct(r.acc_api)} | ${per(r.reject_real)} | ${per(r.reject_out_of_episode)} | ${num(r.auroc_out_of_episode)} | ${num(r.auroc_junk)} | ${per(r.ece)} |\n`;
  }
  if (icons.length) {
    md += '\n**The held-out domain** (icons: freedesktop icon names drawn by 27 themes, never trained on — `docs/icons.md`), test half, 5-way, 3 queries per class, closed-set accuracy (`scripts/adapt-sweep.ts`). Each column adapts the same episodes; "adapted" is the share of episodes whose steps the guard kept.\n\n';
    const names = icons[0]!.variants.map((v) => v.name);
    md += `| setting | steps 0 | ${names.map((n) => `${n}: accuracy · paired difference${n.includes('guard split') ? ' · adapted' : ''}`).join(' | ')} |\n|---|---|${names.map(() => '---|').join('')}\n`;
    for (const f of icons) {
      md += `| ${f.ways}-way ${f.shots}-shot | ${pct(f.steps0)} | ${f.variants.map((v) => `${pct(v.acc)} · ${signed(v.diff)}${v.name.includes('guard split') ? ` · ${per(v.adapted)}` : ''}`).join(' | ')} |\n`;
    }
  }
  if (vs.length && previous) {
    md += `\n**Body against body**: ${previous}, the same glyph test episodes (clean), each model at its own defaults and "none of these" distances (\`fewshot eval --baseline\`, ${vs[0]!.episodes} episodes; accuracy as the API answers: a query called "none of these" counts as wrong).\n\n| setting | ${v} | previous | paired difference (points) |\n|---|---|---|---|\n`;
    for (const r of vs) md += `| ${r.ways}-way ${r.shots}-shot | ${pct(r)} | ${pct(r.baseline)} | ${signed(r.difference)} |\n`;
  }
  const q = read<VsFile>(dir, `${v}-int8-vs-f32-5w1s`);
  if (q) md += `\n**int8 kernels** (\`glyphs-int8.fsb\`, \`fewshot bundle quantize\`) against f32, 5-way 1-shot clean, same ${q.episodes} episodes, as the API answers: ${pct(q)} vs ${pct(q.baseline)}, paired difference ${signed(q.difference)} points.\n`;
  return `${md}\n`;
}
