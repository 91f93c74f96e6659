/**
 * Re-renders the generated section of docs/benchmarks.md from a results file, without re-measuring
 * (e.g. after editing the table layout in bench/report/markdown.ts).
 * Usage: npx tsx scripts/bench-render.ts [bench/results/<date>.json]   (default: the newest full run)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTables, spliceSection } from '../bench/report/markdown';
import type { ReportExtras } from '../bench/report/markdown';
import type { Summary } from '../bench/report/summary';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'bench/results');
const file = process.argv[2] ?? join(dir, readdirSync(dir).filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f)).sort().at(-1) ?? '');
const { summary, raw } = JSON.parse(readFileSync(file, 'utf8')) as { summary: Summary; raw: ReportExtras };
const doc = join(root, 'docs/benchmarks.md');
writeFileSync(doc, spliceSection(readFileSync(doc, 'utf8'), renderTables(summary, { upload: raw.upload, meta: raw.meta, tile: raw.tile })));
console.log(`rendered ${file} into docs/benchmarks.md`);
