/**
 * Browser build: `dist/browser/` = fewshot.js (ESM, minified) + fewshot.d.ts + the .wasm files it
 * loads — what an app ships; `dist/demo/` = the demo page, importing ../browser/fewshot.js, with the
 * glyphs bundle; `dist/sourcemaps/fewshot.js.map` (2 MB, for reading stack traces; never shipped).
 * Usage: tsx scripts/build-browser.ts [--quiet]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { BuildOptions, Plugin } from 'esbuild';
import { untrainedGlyphsBundle } from './untrained-glyphs-bundle';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = join(root, 'dist/browser');
const demoOut = join(root, 'dist/demo');
const mapsOut = join(root, 'dist/sourcemaps');
const quiet = process.argv.includes('--quiet');
const log = (s: string): void => {
  if (!quiet) console.log(s);
};

// The demo imports the runtime from source for types; in the build it loads the shipped ESM file instead.
const runtimeExternal: Plugin = {
  name: 'runtime-external',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/browser\/index$/ }, () => ({ path: '../browser/fewshot.js', external: true }));
  },
};

// The emscripten glue requires Node built-ins on its Node path only; a browser never takes it.
export const nodeBuiltinsEmpty: Plugin = {
  name: 'node-builtins-empty',
  setup(b) {
    b.onResolve({ filter: /^(fs|path|os|crypto|worker_threads|perf_hooks|url|module)$/ }, (a) => ({ path: a.path, namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};

export const common: BuildOptions = { bundle: true, format: 'esm', platform: 'browser', target: ['es2020', 'chrome91', 'safari16'], minify: true, legalComments: 'none', logLevel: 'warning' };

/** Sizes of the shipped files, raw and gzip-9, as the closing note reports them. */
export interface BuildSizes {
  [file: string]: { raw: number; gzip: number };
}

/** Builds dist/browser and dist/demo; returns the shipped files' sizes. */
export async function buildBrowser(): Promise<BuildSizes> {
  rmSync(out, { recursive: true, force: true });
  rmSync(demoOut, { recursive: true, force: true });
  for (const d of [out, demoOut, mapsOut]) mkdirSync(d, { recursive: true });
  // 'external': no sourceMappingURL comment in fewshot.js, and the map goes outside the shipped folder.
  await build({ ...common, entryPoints: [join(root, 'browser/index.ts')], outfile: join(out, 'fewshot.js'), sourcemap: 'external', plugins: [nodeBuiltinsEmpty] });
  renameSync(join(out, 'fewshot.js.map'), join(mapsOut, 'fewshot.js.map'));
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.browser.json')], { stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', join(root, 'demo/tsconfig.json'), '--noEmit'], { stdio: 'inherit' });
  writeFileSync(join(out, 'fewshot.d.ts'), "export * from './types/browser/index';\n");
  copyFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'), join(out, 'tfjs-backend-wasm-simd.wasm'));
  const fused = join(root, 'wasm/fused/linear-head.wasm');
  if (existsSync(fused)) copyFileSync(fused, join(out, 'linear-head.wasm'));

  await build({ ...common, entryPoints: [join(root, 'demo/demo.ts')], outfile: join(demoOut, 'demo.js'), plugins: [runtimeExternal] });
  for (const f of ['index.html', 'demo.css']) copyFileSync(join(root, 'demo', f), join(demoOut, f));
  const bundle = join(root, 'bundles/glyphs.fsb');
  if (existsSync(bundle)) copyFileSync(bundle, join(demoOut, 'glyphs.fsb'));
  else {
    // Until the trained bundle is committed, the demo runs on an untrained one of the same shape.
    console.warn('build-browser: bundles/glyphs.fsb not found; the demo gets the untrained stand-in');
    writeFileSync(join(demoOut, 'glyphs.fsb'), await untrainedGlyphsBundle());
  }

  const sizes: BuildSizes = {};
  for (const f of ['browser/fewshot.js', 'browser/tfjs-backend-wasm-simd.wasm', 'browser/linear-head.wasm', 'demo/demo.js', 'demo/glyphs.fsb']) {
    const p = join(root, 'dist', f);
    if (!existsSync(p)) continue;
    const bytes = readFileSync(p);
    sizes[f] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  writeFileSync(join(root, 'dist/sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
  return sizes;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await buildBrowser();
  for (const [f, s] of Object.entries(sizes)) log(`${f.padEnd(40)} ${String(s.raw).padStart(9)} B  ${String(s.gzip).padStart(8)} B gzip`);
}
