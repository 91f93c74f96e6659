/**
 * Builds the fewshot-edge-browser package (packages/browser) into packages/browser/dist/:
 *   fewshot.js                   the browser runtime, ESM, minified: the same build as dist/browser/fewshot.js, no source map
 *   tfjs-backend-wasm-simd.wasm  tfjs's SIMD backend, from node_modules
 *   linear-head.wasm             our fused kernel (`npm run build:wasm`, which `npm ci` runs)
 *   fewshot.d.ts + types/        the declarations fewshot.d.ts reaches (tsc, tsconfig.browser.json), their
 *                                relative imports given `.js` paths so NodeNext consumers resolve them too
 * It leaves dist/browser and dist/demo (`npm run build:browser`) alone. Run by `npm pack -w fewshot-edge-browser` (prepack).
 *   npx tsx scripts/build-browser-package.ts
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { common, nodeBuiltinsEmpty } from './build-browser';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const RELATIVE = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g;

/** The .d.ts files reachable from `entry` by relative imports, each with its imports rewritten to `.js` paths. */
export function declarationClosure(entry: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (file: string): void => {
    if (out.has(file)) return;
    out.set(file, '');
    const text = readFileSync(file, 'utf8').replace(RELATIVE, (_, lead: string, q: string, spec: string) => {
      const base = resolve(dirname(file), spec.replace(/\.js$/, ''));
      const target = [`${base}.d.ts`, join(base, 'index.d.ts')].find(existsSync);
      if (!target) throw new Error(`${file}: cannot resolve ${spec}`);
      visit(target);
      let rel = relative(dirname(file), target).replace(/\.d\.ts$/, '.js');
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return `${lead}${q}${rel}${q}`;
    });
    out.set(file, text);
  };
  visit(entry);
  return out;
}

/** Builds packages/browser/dist; returns the files written (relative to it) and their sizes. */
export async function buildBrowserPackage(outDir = join(root, 'packages', 'browser', 'dist')): Promise<Record<string, number>> {
  // tsconfig.browser.json names the runtime's entry: the one file it lists that is not a .d.ts.
  const config = JSON.parse(readFileSync(join(root, 'tsconfig.browser.json'), 'utf8')) as { files: string[] };
  const entry = config.files.find((f) => !f.endsWith('.d.ts'))!;
  const fused = join(root, 'wasm/fused/linear-head.wasm');
  if (!existsSync(fused)) throw new Error('wasm/fused/linear-head.wasm is missing: run `npm run build:wasm`');

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({ ...common, entryPoints: [join(root, entry)], outfile: join(outDir, 'fewshot.js'), sourcemap: false, plugins: [nodeBuiltinsEmpty] });
  copyFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'), join(outDir, 'tfjs-backend-wasm-simd.wasm'));
  copyFileSync(fused, join(outDir, 'linear-head.wasm'));

  const emitted = mkdtempSync(join(tmpdir(), 'fewshot-browser-types-'));
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.browser.json'), '--outDir', emitted], { stdio: 'inherit' });
    const index = join(emitted, entry.replace(/\.ts$/, '.d.ts'));
    for (const [file, text] of declarationClosure(index)) {
      const to = join(outDir, 'types', relative(emitted, file));
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, text);
    }
    writeFileSync(join(outDir, 'fewshot.d.ts'), `export * from './types/${entry.replace(/\.ts$/, '.js')}';\n`);
  } finally {
    rmSync(emitted, { recursive: true, force: true });
  }
  const sizes: Record<string, number> = {};
  for (const f of ['fewshot.js', 'fewshot.d.ts', 'tfjs-backend-wasm-simd.wasm', 'linear-head.wasm']) sizes[f] = readFileSync(join(outDir, f)).length;
  return sizes;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await buildBrowserPackage();
  // stderr: `npm pack --json` prints lifecycle output on stdout too.
  for (const [f, n] of Object.entries(sizes)) console.error(`packages/browser/dist/${f.padEnd(30)} ${String(n).padStart(9)} B`);
}
