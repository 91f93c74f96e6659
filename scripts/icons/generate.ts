import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureUnpacked, licenceOf } from '../glyphs/download';
import { serialize } from '../glyphs/writer';
import { buildIcons, scanThemes } from './build';
import { iconContactSheet } from './contact-sheet';
import { iconLicencesMarkdown } from './licences';
import { iconQuality } from './quality';
import { parseLegacyMapping, readThemes } from './recipe';
import { ICON_INDEX_LISTS, assembleIcons } from './writer';
import { startGenerator } from '../glyphs/generator-run';

const HELP = `npm run icons -- [--cache DIR] [--out DIR] [--seed N] [--themes FILE]
Downloads the icon theme packages (apt-get download, cached), renders the icons domain and writes
pixels.u8.gz, index.json and SHA256SUMS to --out (default data/icons). With the default --out the
contact sheet and licence note go to docs/; otherwise next to the data.`;

const { values } = parseArgs({
  options: {
    cache: { type: 'string', default: process.env.FEWSHOT_ICONS_CACHE ?? join(homedir(), '.cache/fewshot-icons') },
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
    themes: { type: 'string', default: join(import.meta.dirname, 'themes.txt') },
    help: { type: 'boolean', default: false },
  },
});
const { log, out, docs, seed, t0 } = startGenerator('icons', HELP, values);
const specs = readThemes(values.themes);
// icon-naming-utils ships the table from old GNOME/KDE icon names to freedesktop names.
const names = [...new Set([...specs.flatMap((s) => s.dirs.map((d) => d.pkg)), 'icon-naming-utils'])].sort();
const pkgs = new Map(names.map((n) => [n, ensureUnpacked(n, values.cache)]));
log(`packages ready: ${names.length}`);
const legacy = parseLegacyMapping(readFileSync(join(pkgs.get('icon-naming-utils')!.root, 'usr/share/icon-naming-utils/legacy-icon-mapping.xml'), 'utf8'));
const themes = scanThemes(specs, pkgs, legacy);
log(`themes scanned: ${themes.map((t) => `${t.spec.name} ${t.icons.size}`).join(', ')}`);
const built = await buildIcons(themes, seed, log);
const packages = names.map((n) => ({ name: n, version: pkgs.get(n)!.version, licence: licenceOf(pkgs.get(n)!.copyright) }));
const { pixels, index } = assembleIcons(built.classes, specs, packages, seed);
const files = serialize(pixels, index, ICON_INDEX_LISTS);
mkdirSync(out, { recursive: true });
mkdirSync(docs, { recursive: true });
for (const [name, bytes] of files) writeFileSync(join(out, name), bytes);
writeFileSync(join(docs, values.out ? 'contact-sheet.png' : 'icons-contact-sheet.png'), iconContactSheet(pixels, index));
writeFileSync(join(docs, values.out ? 'licences.md' : 'icons-licences.md'), iconLicencesMarkdown(index));

const q = iconQuality(pixels, index);
const perContext = index.splits.test.map((c) => `${c}:${index.classes.filter((k) => k.context === c).length}`).join(' ');
const perTheme = index.themes.map((t, i) => `${t.name}:${index.classes.reduce((n, c) => n + c.sources.filter((s) => s === i).length, 0)}`).join(' ');
const counts = index.classes.map((c) => c.count);
const half = (h: string): string => {
  const cls = index.classes.filter((c) => c.half === h);
  return `${cls.length} classes / ${cls.reduce((n, c) => n + c.count, 0)} images`;
};
console.log(`
summary
  classes per context: ${perContext}
  images per theme: ${perTheme}
  classes: ${index.classes.length}, images: ${index.images}, per class ${Math.min(...counts)}–${Math.max(...counts)} (${counts.filter((c) => c === 20).length} with 20), symbolic drawings ${index.classes.reduce((n, c) => n + c.symbolic.length, 0)}
  halves: validation ${half('validation')}, test ${half('test')}
  candidates ${built.stats.candidates}, too few themes after filters ${built.stats.tooFewThemes}, renders ${built.stats.renders}
  dropped in kept classes: ${JSON.stringify(built.stats.dropped)}
  flagged: ${q.nearEmpty} near-empty, ${q.duplicatesWithinClass} duplicates within a class, ${q.duplicatesAcrossClasses} across classes
  sizes: pixels.u8.gz ${files.get('pixels.u8.gz')!.length} B, index.json ${files.get('index.json')!.length} B
  time: ${((performance.now() - t0) / 1000).toFixed(1)} s
  out: ${out}`);
