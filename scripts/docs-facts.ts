/**
 * Facts the docs quote — bundle sizes, the embedded models, the CLI's commands, the browser build's
 * and the deploy dry run's sizes — computed from the repository, so that the docs cannot drift:
 *
 *   npx tsx scripts/docs-facts.ts            rewrite every generated block (<!-- facts:NAME -->…<!-- /facts:NAME -->)
 *                                            that is cheap to compute (bundles, embedded, cli)
 *   npx tsx scripts/docs-facts.ts --browser  also the browser build's sizes (runs the browser build)
 *   npx tsx scripts/docs-facts.ts --deploy   also the deploy dry run's sizes (runs `wrangler deploy --dry-run`)
 *   npx tsx scripts/docs-facts.ts --check    change nothing; exit 1 listing every stale block or false claim
 *
 * Outside the blocks, `checkClaims` holds free prose to the repo (test/scripts/docs-facts.test.ts):
 * a size written after a bundle's file name must be that file's size, a list of the embedded models
 * must name them all, and a list of `fewshot bundle`/`fewshot models` subcommands must name them all.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '..');

/** The Markdown files whose claims are checked and whose blocks are generated. */
export function docFiles(root = ROOT): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f));
  return ['README.md', 'bundles/README.md', ...docs].filter((f) => existsSync(join(root, f)));
}

// ---- facts ---------------------------------------------------------------------------------------

export interface Facts {
  /** bundles/*.fsb → bytes. */
  bundles: Record<string, number>;
  /** The embedded models, default first: name and file (src/store/embedded-models.ts). */
  embedded: { name: string; file: string }[];
  /** Top-level commands, and the subcommands of `bundle` and `models`. */
  cli: { commands: string[]; bundle: string[]; models: string[] };
}

/** The cheap facts: read straight from files, nothing built or run. */
export async function collectFacts(root = ROOT): Promise<Facts> {
  const bundles: Record<string, number> = {};
  for (const f of readdirSync(join(root, 'bundles')).filter((f) => f.endsWith('.fsb')).sort()) bundles[f] = statSync(join(root, 'bundles', f)).size;
  const { commands } = await import('../cli/commands');
  const { BUNDLE_SUBCOMMANDS, MODELS_SUBCOMMANDS } = await import('../cli/subcommands');
  const { EMBEDDED_MODELS } = await import('../src/store/embedded-models');
  return { bundles, embedded: EMBEDDED_MODELS.map((m) => ({ name: m.name, file: m.file })), cli: { commands: Object.keys(commands), bundle: Object.keys(BUNDLE_SUBCOMMANDS), models: Object.keys(MODELS_SUBCOMMANDS) } };
}

// ---- generated blocks ----------------------------------------------------------------------------

const num = (n: number) => n.toLocaleString('en-US');
const kib = (n: number) => (n / 1024).toFixed(1);
const BLOCK = /<!-- facts:([\w-]+) -->([\s\S]*?)<!-- \/facts:\1 -->/g;

export interface BrowserSizes {
  [file: string]: { raw: number; gzip: number };
}
export interface DeploySizes {
  plain: { total: number; gzip: number };
  minify: { total: number; gzip: number };
  bindings: string[];
}

/** Renders the blocks whose facts are given; a block whose facts are missing is left as it is. */
export function renderBlocks(f: Facts, extra: { browser?: BrowserSizes; deploy?: DeploySizes } = {}): Record<string, string> {
  const out: Record<string, string> = {
    'bundle-sizes': `\n| bundle | bytes | KiB |\n| --- | ---: | ---: |\n${Object.entries(f.bundles).map(([b, n]) => `| \`${b}\` | ${num(n)} | ${kib(n)} |`).join('\n')}\n`,
    embedded: f.embedded.map((e) => `\`${e.name}\``).join(', '),
    'embedded-files': f.embedded.map((e) => `\`bundles/${e.file}\``).join(', '),
    'cli-commands': f.cli.commands.map((c) => `\`${c}\``).join(', '),
    'bundle-subcommands': f.cli.bundle.join(', '),
    'models-subcommands': f.cli.models.join(', '),
  };
  if (extra.browser) {
    const b = extra.browser;
    const cell = (file: string, k: 'raw' | 'gzip') => (b[file]?.[k] !== undefined ? `${num(b[file]![k])} B` : '');
    const row = (file: string, what: string) => `| \`dist/${file}\` | ${what} | ${cell(file, 'raw')} | ${cell(file, 'gzip')} |`;
    out['browser-sizes'] = [
      '',
      '| file | what | raw | gzip -9 |',
      '| --- | --- | ---: | ---: |',
      row('browser/fewshot.js', "ESM, minified: `src/browser` + engine + bundle/head codecs + tfjs-core + the wasm backend's JS"),
      row('browser/tfjs-backend-wasm-simd.wasm', 'tfjs 4.22 SIMD backend, copied from node_modules'),
      row('browser/linear-head.wasm', 'our fused SIMD kernels, linear head and late block (`wasm/fused`)'),
      '| `dist/browser/fewshot.d.ts` (+ `types/`) | type declarations (tsc, `tsconfig.browser.json`), for compiling your page only | | |',
      row('sourcemaps/fewshot.js.map', 'the source map, for reading stack traces; **outside `dist/browser/`, never shipped**'),
      row('demo/demo.js', "the demo page's script; `dist/demo/` also holds `index.html`, `demo.css` and `glyphs.fsb`"),
      '',
    ].join('\n');
    const shipped = ['browser/fewshot.js', 'browser/tfjs-backend-wasm-simd.wasm', 'browser/linear-head.wasm'].reduce((s, k) => s + (b[k]?.gzip ?? 0), 0);
    out['browser-gzip'] = `${kib(shipped)} KiB`;
  }
  if (extra.deploy) {
    const d = extra.deploy;
    out.deploy = `\`Total Upload: ${d.plain.total.toFixed(2)} KiB / gzip: ${d.plain.gzip.toFixed(2)} KiB\` (with \`--minify\`: ${d.minify.total.toFixed(2)} KiB / ${d.minify.gzip.toFixed(2)} KiB gzip), bindings ${d.bindings.map((x) => `\`${x}\``).join(', ')}`;
    out['deploy-gzip'] = `${Math.round(d.plain.gzip)} KiB`;
  }
  return out;
}

/** A doc with its blocks replaced by `blocks` (blocks not in `blocks` are kept). */
export function fillBlocks(text: string, blocks: Record<string, string>): string {
  return text.replace(BLOCK, (all, name: string) => (name in blocks ? `<!-- facts:${name} -->${blocks[name]}<!-- /facts:${name} -->` : all));
}

/** Blocks whose text differs from what `blocks` says, as `file: block`. */
export function staleBlocks(files: Record<string, string>, blocks: Record<string, string>): string[] {
  return Object.entries(files).flatMap(([file, text]) => [...text.matchAll(BLOCK)].filter((m) => m[1]! in blocks && m[2] !== blocks[m[1]!]).map((m) => `${file}: block '${m[1]}' is stale`));
}

// ---- claims in free prose ------------------------------------------------------------------------

const SIZE = /(\d[\d,]*(?:\.\d+)?)\s?(bytes|B|KB|kB|KiB|MB|MiB)\b/;

/** Whether `written` (e.g. "453 KB", "118,304 B") is a fair way to write `bytes`: exact in bytes, or rounded/truncated at the written precision in KB/KiB/MB/MiB. */
export function sizeMatches(written: string, bytes: number): boolean {
  const m = SIZE.exec(written);
  if (!m) return false;
  const value = Number(m[1]!.replace(/,/g, ''));
  const unit = m[2]!;
  if (unit === 'B' || unit === 'bytes') return value === bytes;
  const bases = unit === 'KiB' ? [1024] : unit === 'MiB' ? [1024 ** 2] : unit === 'MB' ? [1e6, 1024 ** 2] : [1000, 1024];
  const decimals = m[1]!.split('.')[1]?.length ?? 0;
  const step = 10 ** -decimals;
  return bases.some((b) => {
    const exact = bytes / b;
    return Math.abs(exact - value) <= step / 2 + 1e-9 || (exact >= value && exact - value < step);
  });
}

export interface Claim {
  file: string;
  line: number;
  problem: string;
}

/** Where a bundle name points: bundles/, test/fixtures/, or the path as written. */
function bundlePath(root: string, name: string): string | undefined {
  for (const p of [name, join('bundles', basename(name)), join('test/fixtures', basename(name))]) if (existsSync(join(root, p))) return join(root, p);
  return undefined;
}

/**
 * Free-prose claims that contradict the repo: (1) a size written after a bundle file's name in the
 * same clause; (2) a line about the embedded models that lists some but not all of them; (3) a list
 * of ≥ 3 `bundle` (or `models`) subcommands that leaves one out (a `fewshot bundle X` on the same
 * line counts as listed). Generated blocks are skipped: they are checked by `staleBlocks`.
 */
export function checkClaims(files: Record<string, string>, f: Facts, root = ROOT): Claim[] {
  const out: Claim[] = [];
  const embeddedNames = f.embedded.map((e) => e.name);
  const embeddedFiles = f.embedded.map((e) => e.file);
  for (const [file, text] of Object.entries(files)) {
    text.replace(BLOCK, (all) => all.replace(/[^\n]/g, ' ')).split('\n').forEach((line, i) => {
      const at = (problem: string) => out.push({ file, line: i + 1, problem });
      // (1) sizes after a bundle name, up to the end of the clause or the next bundle name.
      for (const m of line.matchAll(/([\w./-]+\.fsb)\b/g)) {
        const rest = line.slice(m.index! + m[0].length);
        const clause = rest.split(/\.fsb\b|[.;](?:\s|$)|→|\s—\s|\bthen\b/)[0]!.slice(0, 60);
        const size = SIZE.exec(clause);
        const path = bundlePath(root, m[1]!);
        if (!size || !path) continue;
        const bytes = statSync(path).size;
        if (!sizeMatches(size[0], bytes)) at(`${m[1]} is ${num(bytes)} B, the text says ${size[0]}`);
      }
      // (2) the embedded models, listed by name or by file.
      if (/embedded/i.test(line)) {
        for (const [all, kind] of [[embeddedNames, 'models'], [embeddedFiles, 'bundles']] as const) {
          const named = all.filter((n) => new RegExp(kind === 'models' ? `\`${n}\`` : `${n.replace('.', '\\.')}\\b`).test(line));
          if (named.length >= 2 && named.length < all.length) at(`lists the embedded ${kind} ${named.join(', ')} without ${all.filter((n) => !named.includes(n)).join(', ')}`);
        }
      }
      // (3) subcommand lists.
      for (const [group, subs] of [['bundle', f.cli.bundle], ['models', f.cli.models]] as const) {
        const word = `(?:${subs.map((s) => s.replace('-', '\\-')).join('|')})`;
        for (const list of line.matchAll(new RegExp(`\\b${word}(?:(?:,\\s*|\\s*\\|\\s*|\\s*/\\s*)${word}){2,}\\b`, 'g'))) {
          const listed = new Set(list[0].split(/\s*[,|/]\s*/));
          for (const cmd of line.matchAll(new RegExp(`fewshot ${group} (${word})\\b`, 'g'))) listed.add(cmd[1]!);
          const missing = subs.filter((s) => !listed.has(s));
          // A list of another group's words (inspect, list…) is not this group's list.
          if (missing.length && [...listed].every((s) => subs.includes(s)) && line.includes(group)) at(`lists ${group} subcommands without ${missing.join(', ')}`);
        }
      }
      return '';
    });
  }
  return out;
}

// ---- the expensive facts (on request) --------------------------------------------------------------

/** Sizes of the browser build (runs scripts/build-browser.ts: esbuild + tsc). */
export async function browserSizes(): Promise<BrowserSizes> {
  const { buildBrowser } = await import('./build-browser');
  const sizes = await buildBrowser();
  const map = statSync(join(ROOT, 'dist/sourcemaps/fewshot.js.map')).size;
  return { ...sizes, 'sourcemaps/fewshot.js.map': { raw: map, gzip: undefined as unknown as number } };
}

/** `wrangler deploy --dry-run`, plain and minified: the upload totals and the bindings it lists. */
export function deploySizes(root = ROOT): DeploySizes {
  const wrangler = join(root, 'node_modules/wrangler/bin/wrangler.js');
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
  const run = (extra: string[]) => execFileSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', join(root, '.wrangler/facts-dry-run'), ...extra], { cwd: root, env, encoding: 'utf8' });
  const total = (text: string) => {
    const m = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(text);
    if (!m) throw new Error(`no "Total Upload" line in wrangler's output:\n${text}`);
    return { total: Number(m[1]), gzip: Number(m[2]) };
  };
  const plain = run([]);
  return { plain: total(plain), minify: total(run(['--minify'])), bindings: [...plain.matchAll(/^(env\.\w+)/gm)].map((m) => m[1]!) };
}

const USAGE = 'usage: npx tsx scripts/docs-facts.ts [--check] [--browser] [--deploy]';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = argv.find((a) => !['--check', '--browser', '--deploy'].includes(a));
  if (unknown !== undefined) {
    process.stderr.write(`docs-facts: unknown argument ${unknown}\n${USAGE}\n`);
    return 2;
  }
  const facts = await collectFacts();
  const blocks = renderBlocks(facts, { browser: argv.includes('--browser') ? await browserSizes() : undefined, deploy: argv.includes('--deploy') ? deploySizes() : undefined });
  const files = Object.fromEntries(docFiles().map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
  const problems = [...staleBlocks(files, blocks), ...checkClaims(files, facts).map((c) => `${c.file}:${c.line}: ${c.problem}`)];
  if (argv.includes('--check')) {
    for (const p of problems) process.stderr.write(`docs-facts: ${p}\n`);
    return problems.length ? 1 : 0;
  }
  for (const [f, text] of Object.entries(files)) {
    const next = fillBlocks(text, blocks);
    if (next !== text) {
      writeFileSync(join(ROOT, f), next);
      process.stdout.write(`docs-facts: rewrote ${f}\n`);
    }
  }
  const claims = checkClaims(Object.fromEntries(docFiles().map((f) => [f, readFileSync(join(ROOT, f), 'utf8')])), facts);
  for (const c of claims) process.stderr.write(`docs-facts: ${c.file}:${c.line}: ${c.problem} (fix the prose)\n`);
  return claims.length ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
