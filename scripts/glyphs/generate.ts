import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDataset } from './build';
import { contactSheet } from './contact-sheet';
import { ensurePackage, licenceOf } from './download';
import { licencesMarkdown } from './licences';
import { qualityReport } from './quality';
import { ALL_SCRIPTS, SPLIT_SCRIPTS } from './recipe';
import { assemble, serialize } from './writer';
import { startGenerator } from './generator-run';

const HELP = `npm run glyphs -- [--cache DIR] [--out DIR] [--seed N] [--limit-packages N] [--packages FILE]
Downloads the font packages (apt-get download, cached), renders the glyphs dataset and writes
pixels.u8.gz, index.json and SHA256SUMS to --out (default data/glyphs). With the default --out the
contact sheet and licence note go to docs/; otherwise next to the data.`;

const { values } = parseArgs({
  options: {
    cache: { type: 'string', default: process.env.FEWSHOT_GLYPHS_CACHE ?? join(homedir(), '.cache/fewshot-glyphs') },
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'limit-packages': { type: 'string' },
    packages: { type: 'string', default: join(import.meta.dirname, 'packages.txt') },
    help: { type: 'boolean', default: false },
  },
});
const { log, out, docs, seed, t0 } = startGenerator('glyphs', HELP, values);
let names = readFileSync(values.packages, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean).sort();
if (values['limit-packages']) names = names.slice(0, Number(values['limit-packages']));

const pkgs = names.map((name, i) => {
  const p = ensurePackage(name, values.cache);
  if ((i + 1) % 20 === 0 || i + 1 === names.length) log(`packages ready ${i + 1}/${names.length}`);
  return p;
});
const tFonts = performance.now();
const built = buildDataset(pkgs, seed, log);
const packages = pkgs.map((p) => ({ name: p.name, version: p.version, licence: licenceOf(p.copyright) }));
const { pixels, index } = assemble(built.classes, built.faces, packages, seed);
mkdirSync(out, { recursive: true });
mkdirSync(docs, { recursive: true });
for (const [name, bytes] of serialize(pixels, index)) writeFileSync(join(out, name), bytes);
writeFileSync(join(docs, values.out ? 'contact-sheet.png' : 'glyphs-contact-sheet.png'), contactSheet(pixels, index));
writeFileSync(join(docs, values.out ? 'licences.md' : 'glyphs-licences.md'), licencesMarkdown(index));
const tEnd = performance.now();

const q = qualityReport(pixels, index);
const perScript = ALL_SCRIPTS.map((s) => `${s}:${index.classes.filter((c) => c.script === s).length}`).join(' ');
const perSplit = (['train', 'validation', 'test'] as const).map((sp) => {
  const cls = index.classes.filter((c) => c.split === sp);
  return `${sp}: ${cls.length} classes / ${new Set(cls.map((c) => c.script)).size} of ${SPLIT_SCRIPTS[sp].length} scripts / ${cls.reduce((n, c) => n + c.count, 0)} images`;
});
console.log(`
summary
  classes per script: ${perScript}
  ${perSplit.join('\n  ')}
  classes: ${index.classes.length}, scripts: ${new Set(index.classes.map((c) => c.script)).size}, images: ${index.images} (${built.stats.augmented} affine variations)
  faces: ${built.stats.faces} read, ${index.fonts.length} used, ${built.stats.excludedFaces.length} excluded by name
  dropped renders: ${JSON.stringify(built.stats.dropped)} of ${built.stats.renders}
  flagged: ${q.nearEmpty.length} near-empty images, ${q.duplicatesWithinClass} duplicates within a class, ${q.duplicatesAcrossClasses} images equal to one in another class
  cross-class examples: ${q.crossClassExamples.join(', ')}
  excluded faces: ${built.stats.excludedFaces.join(', ')}
  sizes: pixels.u8.gz ${serialize(pixels, index).get('pixels.u8.gz')!.length} B, index.json ${serialize(pixels, index).get('index.json')!.length} B
  time: ${((tEnd - t0) / 1000).toFixed(1)} s total, ${((tEnd - tFonts) / 1000).toFixed(1)} s after the packages were ready
  out: ${out}`);
