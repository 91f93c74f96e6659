import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDataset } from '../glyphs/build';
import { gridSheet } from '../glyphs/contact-sheet';
import { ensurePackage, ensureUnpacked, licenceOf } from '../glyphs/download';
import { licencesMarkdown } from '../glyphs/licences';
import { qualityReport } from '../glyphs/quality';
import { assemble, serialize } from '../glyphs/writer';
import { SPLIT_BLOCKS, parseBlocks, symbolRecipe } from './recipe';
import { startGenerator } from '../glyphs/generator-run';

const HELP = `npm run symbols -- [--cache DIR] [--out DIR] [--seed N] [--packages FILE] [--all-blocks]
Downloads the font packages (apt-get download, cached; the same cache as npm run glyphs), renders the
symbols domain and writes pixels.u8.gz, index.json and SHA256SUMS to --out (default data/symbols).
With the default --out the contact sheet and licence note go to docs/; otherwise next to the data.
--all-blocks puts every symbol block in train (to see what each block would give).`;

const { values } = parseArgs({
  options: {
    cache: { type: 'string', default: process.env.FEWSHOT_GLYPHS_CACHE ?? join(homedir(), '.cache/fewshot-glyphs') },
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
    packages: { type: 'string', default: join(import.meta.dirname, 'packages.txt') },
    'all-blocks': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
const { log, out, docs, seed, t0 } = startGenerator('symbols', HELP, values);
// unicode-data ships Blocks.txt: the block of a symbol is its group, as the script is a letter's.
const blocks = parseBlocks(readFileSync(join(ensureUnpacked('unicode-data', values.cache).root, 'usr/share/unicode/Blocks.txt'), 'utf8'));
const splits = values['all-blocks'] ? { train: blocks.map((b) => b.name), validation: [], test: [] } : SPLIT_BLOCKS;
const recipe = symbolRecipe(blocks, splits);
const names = readFileSync(values.packages, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean).sort();
const pkgs = names.map((name, i) => {
  // TeX Gyre and Latin Modern (math fonts among them) install under texmf, not usr/share/fonts.
  const p = ensurePackage(name, values.cache, ['usr/share/fonts', 'usr/share/texmf/fonts/opentype']);
  if ((i + 1) % 50 === 0 || i + 1 === names.length) log(`packages ready ${i + 1}/${names.length}`);
  return p;
});
const built = buildDataset(pkgs, seed, log, recipe);
const packages = pkgs.map((p) => ({ name: p.name, version: p.version, licence: licenceOf(p.copyright) }));
const { pixels, index } = assemble(built.classes, built.faces, packages, seed, splits);
const files = serialize(pixels, index);
mkdirSync(out, { recursive: true });
mkdirSync(docs, { recursive: true });
for (const [name, bytes] of files) writeFileSync(join(out, name), bytes);
// Two classes of every block, all instances per row.
const rows = [...new Set(index.classes.map((c) => c.script))].flatMap((b) => {
  const cls = index.classes.filter((c) => c.script === b);
  return [cls[0]!, cls[Math.floor(cls.length / 2)]!].filter((c, k, a) => a.indexOf(c) === k);
});
writeFileSync(join(docs, values.out ? 'contact-sheet.png' : 'symbols-contact-sheet.png'), gridSheet(pixels, index.size, rows));
writeFileSync(
  join(docs, values.out ? 'licences.md' : 'symbols-licences.md'),
  licencesMarkdown(index).replace('# Glyphs dataset:', '# Symbols domain:').replaceAll('data/glyphs/', 'data/symbols/'),
);

const q = qualityReport(pixels, index);
const groups = [...splits.train, ...splits.validation, ...splits.test];
const perBlock = groups
  .map((b) => [b, index.classes.filter((c) => c.script === b)] as const)
  .filter(([, cls]) => cls.length > 0)
  .map(([b, cls]) => `${b}: ${cls.length} (${cls.reduce((n, c) => n + c.augmentedFrom, 0)} drawn)`);
const perSplit = (['train', 'validation', 'test'] as const).map((sp) => {
  const cls = index.classes.filter((c) => c.split === sp);
  return `${sp}: ${cls.length} classes / ${new Set(cls.map((c) => c.script)).size} blocks / ${cls.reduce((n, c) => n + c.count, 0)} images`;
});
console.log(`
summary
  classes per block (font-drawn images):
    ${perBlock.join('\n    ')}
  ${perSplit.join('\n  ')}
  classes: ${index.classes.length}, images: ${index.images} (${built.stats.augmented} affine variations)
  faces: ${built.stats.faces} read, ${index.fonts.length} used, ${built.stats.excludedFaces.length} excluded by name
  dropped renders: ${JSON.stringify(built.stats.dropped)}, thin ${built.stats.thin}, of ${built.stats.renders}
  classes dropped as look-alikes of an earlier class: ${built.stats.lookAlikeClasses.length} (${built.stats.lookAlikeClasses.join(' ')})
  flagged: ${q.nearEmpty.length} near-empty images, ${q.duplicatesWithinClass} duplicates within a class, ${q.duplicatesAcrossClasses} images equal to one in another class
  cross-class examples: ${q.crossClassExamples.join(', ')}
  sizes: pixels.u8.gz ${files.get('pixels.u8.gz')!.length} B, index.json ${files.get('index.json')!.length} B
  time: ${((performance.now() - t0) / 1000).toFixed(1)} s
  out: ${out}`);
