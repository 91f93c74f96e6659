// The "image model v2" part of docs/results.md, from the JSON scripts/results-v2-all.sh writes
// (docs/results/v2-*.json, v1-*.json): accuracy at steps 0 and at the deploy steps on the same
// episodes with the paired difference, calibration, open set, and the targets of the v2 issue.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Ci {
  mean: number;
  ci95: number;
}

interface V2Row {
  style: string;
  ways: number;
  shots: number;
  episodes: number;
  steps: number;
  lr: number;
  acc_steps0: Ci;
  acc_steps: Ci;
  paired_diff: Ci;
  error_cut: number;
  loss_before: number;
  loss_after: number;
  ece: number;
  auroc_out_of_episode?: number;
  auroc_junk?: number;
  reject_real?: number;
  reject_out_of_episode?: number;
}

const pct = (x: Ci | undefined): string => (x ? `${(100 * x.mean).toFixed(2)} ± ${(100 * x.ci95).toFixed(2)}` : '—');
const num = (x: number | undefined, d = 3): string => (x === undefined ? '—' : x.toFixed(d));
const per = (x: number | undefined): string => (x === undefined ? '—' : `${(100 * x).toFixed(1)}%`);
const STYLE: Record<string, string> = { clean: 'clean', image: 'per-image variation', episode: 'per-user style' };

function load(dir: string, id: string): V2Row | undefined {
  const f = join(dir, `${id}.json`);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as V2Row[])[0] : undefined;
}

/** The v2 section (empty when its JSON is absent). */
export function v2Section(dir: string): string {
  const rows: [string, V2Row | undefined][] = [];
  for (const style of ['clean', 'image', 'episode']) for (const s of ['5w1s', '5w5s']) rows.push([`${style}-${s}`, load(dir, `v2-${style}-${s}`)]);
  rows.push(['clean-20w1s', load(dir, 'v2-clean-20w1s')]);
  if (!rows.some(([, r]) => r)) return '';
  let md = '### The previous default model (v2: `glyphs-v2.fsb`, 32 filters, ProtoFiLM, scope `film`, calibrated)\n\n';
  md += 'Made by `bash scripts/results-v2-all.sh` (`scripts/results-v2.ts`; JSON in `docs/results/v2-*.json`, `v1-*.json`). Test scripts only; 600 episodes per row, 15 queries per class; "steps 0" and "default steps" adapt the **same** episodes, so the difference is paired (mean ± 95% CI of the per-episode difference). The shifted splits draw every test image in a hand-drawing style (`src/data/style.ts`): a new style per image, or one style per episode (a user\'s own hand, shared by support and queries). Loss = the support set\'s centroid ratio before → after the steps.\n\n';
  md += '| split | setting | steps 0 | default steps | paired difference (points) | error cut | loss | ECE (15 bins) |\n|---|---|---|---|---|---|---|---|\n';
  for (const [, r] of rows) {
    if (!r) continue;
    md += `| ${STYLE[r.style]} | ${r.ways}-way ${r.shots}-shot | ${pct(r.acc_steps0)} | ${pct(r.acc_steps)} (${r.steps} at lr ${r.lr}) | ${pct(r.paired_diff)} | ${per(r.error_cut)} | ${num(r.loss_before)} → ${num(r.loss_after)} | ${per(r.ece)} |\n`;
  }
  const open = rows.map(([, r]) => r).filter((r): r is V2Row => !!r && r.auroc_out_of_episode !== undefined);
  if (open.length) {
    md += '\n**"None of these"**: the score is the feature distance to the nearest class prototype after adaptation. AUROC of in-episode queries vs the queries of 5 classes outside the episode (same split and style), and vs blank / all-ink / uniform-noise images; rejection rates at the bundle\'s `unknownDistance` (fitted by `fewshot calibrate` to reject 2% of validation queries).\n\n';
    md += '| split | setting | AUROC, out-of-episode classes | AUROC, blank/ink/noise | real queries rejected | out-of-episode rejected |\n|---|---|---|---|---|---|\n';
    for (const r of open) md += `| ${STYLE[r.style]} | ${r.ways}-way ${r.shots}-shot | ${num(r.auroc_out_of_episode)} | ${num(r.auroc_junk)} | ${per(r.reject_real)} | ${per(r.reject_out_of_episode)} |\n`;
  }
  const int8 = ['5w1s', '5w5s'].map((s) => [s, load(dir, `v2-int8-clean-${s}`), load(dir, `v2-clean-${s}`)] as const).filter(([, a, b]) => a && b);
  if (int8.length) {
    md += '\n**int8** (`glyphs-int8.fsb` as it was then, made from v2; per-output-channel int8 kernels), clean split, default steps, same episodes:\n\n| setting | f32 | int8 |\n|---|---|---|\n';
    for (const [s, a, b] of int8) md += `| ${s.replace('w', '-way ').replace('s', '-shot')} | ${pct(b!.acc_steps)} | ${pct(a!.acc_steps)} |\n`;
  }
  const v1 = ['clean', 'image', 'episode'].map((st) => [st, load(dir, `v1-${st}-5w5s`), load(dir, `v2-${st}-5w5s`)] as const).filter(([, a, b]) => a && b);
  if (v1.length) {
    md += '\n**v2 against the previous default model** (`glyphs-v1.fsb`: 64 filters, ProtoNets, head-only steps), 5-way 5-shot, same episodes, each at its own default steps:\n\n| split | v1 steps 0 | v1 default steps | v2 steps 0 | v2 default steps |\n|---|---|---|---|---|\n';
    for (const [st, a, b] of v1) md += `| ${STYLE[st]} | ${pct(a!.acc_steps0)} | ${pct(a!.acc_steps)} | ${pct(b!.acc_steps0)} | ${pct(b!.acc_steps)} |\n`;
  }
  return `${md}\n`;
}
