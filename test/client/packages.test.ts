// The packages a user installs: `npm run pack:packages`, the tarballs installed into an empty project
// offline, then used from plain node, tsc (three module resolutions), esbuild, and docs/client.md's
// snippets run against a real `fewshot serve`.
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFewshot } from '../node/servers';
import type { Running } from '../node/servers';
import { BROWSER_BAD_LINES, CLIENT_BAD_LINES, RESOLUTIONS, writeConsumers } from './consumers';
import { installOffline, packPackages, ROOT, run } from './pack';
import type { Tarball } from './pack';
import { codeBlocks, guideModule } from './snippets';

const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const GUIDE = join(ROOT, 'docs', 'client.md');

// At collection time, so that the test names can carry the packed sizes.
const packed = await packPackages();
const summary = (t: Tarball): string =>
  `${t.entries.length} files, ${t.bytes.toLocaleString('en')} B packed, ${t.entries.reduce((s, e) => s + e.size, 0).toLocaleString('en')} B unpacked`;
const app = mkdtempSync(join(tmpdir(), 'fewshot-consumer-'));
const installed = (pkg: string, ...path: string[]): string => join(app, 'node_modules', pkg, ...path);

beforeAll(async () => {
  await installOffline(app, [packed.client.file, packed.browser.file]);
  writeConsumers(app);
}, 300_000);
afterAll(() => rmSync(app, { recursive: true, force: true }));

/** tsc in the consumer project: its error lines, as `file(line)`. */
async function typecheck(config: string): Promise<{ code: number; errors: string[]; out: string }> {
  const r = await run(process.execPath, [tsc, '-p', config, '--pretty', 'false'], app);
  const errors = r.out.split('\n').filter((l) => /error TS\d+/.test(l)).map((l) => /^([^(]+)\((\d+),/.exec(l)?.slice(1, 3).join('(') + ')');
  return { code: r.code, errors, out: r.out };
}

describe('fewshot-edge-client, packed and installed from its tarball', () => {
  it(`holds exactly what its exports need (${summary(packed.client)})`, () => {
    const paths = packed.client.entries.map((e) => e.path);
    expect(paths).toEqual(['dist/index.d.ts', 'dist/index.js', 'dist/schema.d.ts', 'package.json', 'README.md']);
    expect(packed.client.entries.reduce((s, e) => s + e.size, 0)).toBeLessThan(32_000);
    const pkg = JSON.parse(readFileSync(installed('fewshot-edge-client', 'package.json'), 'utf8'));
    for (const target of [pkg.exports['.'].types, pkg.exports['.'].default, pkg.types, pkg.main]) expect(paths).toContain(target.replace(/^\.\//, ''));
    expect(Object.keys(pkg.dependencies)).toEqual(['hono']);
    const dts = readFileSync(installed('fewshot-edge-client', 'dist', 'schema.d.ts'), 'utf8') + readFileSync(installed('fewshot-edge-client', 'dist', 'index.d.ts'), 'utf8');
    expect(dts).not.toMatch(/\bEnv\b|KVNamespace|worker-configuration|from 'zod'|@hono\/zod-openapi/);
    expect(dts).not.toMatch(/[:<,|]\s*any\b|\bany\[\]/);
  });

  it('is installed as files (not a link), offline, with hono its only dependency', () => {
    for (const p of ['fewshot-edge-client', 'fewshot-edge-browser', 'hono']) expect(lstatSync(installed(p)).isSymbolicLink(), p).toBe(false);
    expect(readdirSync(join(app, 'node_modules')).filter((f) => !f.startsWith('.')).sort()).toEqual(['fewshot-edge-browser', 'fewshot-edge-client', 'hono']);
  });

  it("plain node imports it (ESM), and every request carries the key, whatever headers a call sets (hono's init.headers would drop it)", async () => {
    writeFileSync(
      join(app, 'headers.mjs'),
      `import { hc } from 'hono/client';
import * as client from 'fewshot-edge-client';
const seen = [];
const fetch = async (url, init) => {
  seen.push({ url: String(url), headers: Object.fromEntries(new Headers(init.headers)), body: init.body?.length ?? typeof init.body });
  return new Response('{}', { headers: { 'content-type': 'application/json' } });
};
const api = client.createClient('http://api.test', 'k1', { fetch, headers: { 'x-app': 'demo' } });
const octets = { 'content-type': 'application/octet-stream' };
await api.v1.models[':model'].heads.$post({ param: { model: 'm' }, query: {} }, { init: { body: new Uint8Array(3), headers: octets } });
await client.uploadHead(api, { model: 'm', head: new Uint8Array(4), user: 'u' }, { headers: { 'x-request-id': 'r1' } });
await api.v1.models[':model'].adapt.$post({ param: { model: 'm' }, json: { user: 'u', support: { inputs: [[0]], labels: [1] } } }, { headers: { 'x-call': '1' } });
await api.v1.models[':model'].adapt.$post({ param: { model: 'm' }, json: { user: 'u', support: { inputs: [[0]], labels: [1] } } }, { headers: { authorization: 'Bearer other' } });
// hono/client by itself, the same call: init.headers replaces the Authorization it was given.
const raw = hc('http://api.test', { fetch, headers: { authorization: 'Bearer k1' } });
await raw.v1.models[':model'].heads.$post({ param: { model: 'm' } }, { init: { body: new Uint8Array(3), headers: octets } });
console.log(JSON.stringify({ exports: Object.keys(client).sort(), seen }));
`,
    );
    const r = await run(process.execPath, ['headers.mjs'], app);
    expect(r.code, r.out).toBe(0);
    const { exports, seen } = JSON.parse(r.out) as { exports: string[]; seen: { url: string; headers: Record<string, string>; body: unknown }[] };
    expect(exports).toEqual(['createClient', 'uploadHead']);
    expect(seen[0]).toEqual({ url: 'http://api.test/v1/models/m/heads', headers: { authorization: 'Bearer k1', 'content-type': 'application/octet-stream', 'x-app': 'demo' }, body: 3 });
    expect(seen[1]).toEqual({ url: 'http://api.test/v1/models/m/heads?user=u', headers: { authorization: 'Bearer k1', 'content-type': 'application/octet-stream', 'x-app': 'demo', 'x-request-id': 'r1' }, body: 4 });
    expect(seen[2]!.headers).toEqual({ authorization: 'Bearer k1', 'content-type': 'application/json', 'x-app': 'demo', 'x-call': '1' });
    expect(seen[3]!.headers.authorization).toBe('Bearer other'); // a call that sets it means it
    expect(seen[4]!.headers).toEqual({ 'content-type': 'application/octet-stream' }); // what the merge is for
  });

  for (const r of RESOLUTIONS) {
    it(`tsc (moduleResolution ${r.moduleResolution}, skipLibCheck off) checks correct use and reports each mistake on its line`, async () => {
      const t = await typecheck(`tsconfig.client-${r.name}.json`);
      expect(t.errors.filter((e) => !e.startsWith('client-bad.ts')), t.out).toEqual([]);
      expect([...new Set(t.errors)], t.out).toEqual(CLIENT_BAD_LINES.map((l) => `client-bad.ts(${l})`));
      expect(t.code).not.toBe(0);
    });
  }

  it('esbuild bundles a consumer for the browser, and the bundle runs', async () => {
    writeFileSync(
      join(app, 'page.js'),
      "import { createClient } from 'fewshot-edge-client';\nexport const api = createClient('http://127.0.0.1:1', 'k', { fetch: async (_, init) => new Response(new Headers(init.headers).get('authorization')) });\n",
    );
    const out = join(app, 'page.bundle.mjs');
    await build({ entryPoints: [join(app, 'page.js')], absWorkingDir: app, bundle: true, format: 'esm', platform: 'browser', outfile: out, logLevel: 'silent' });
    const m = (await import(pathToFileURL(out).href)) as { api: { healthz: { $get(): Promise<Response> } } };
    expect(await (await m.api.healthz.$get()).text()).toBe('Bearer k');
  });
});

describe('fewshot-edge-browser, packed and installed from its tarball', () => {
  it(`holds the runtime, both .wasm files and the declarations it reaches (${summary(packed.browser)})`, () => {
    const paths = packed.browser.entries.map((e) => e.path);
    const top = paths.filter((p) => !p.startsWith('dist/types/'));
    expect(top).toEqual(['dist/fewshot.d.ts', 'dist/fewshot.js', 'dist/linear-head.wasm', 'dist/tfjs-backend-wasm-simd.wasm', 'package.json', 'README.md']);
    expect(paths.filter((p) => p.startsWith('dist/types/') && !p.endsWith('.d.ts'))).toEqual([]);
    expect(packed.browser.entries.reduce((s, e) => s + e.size, 0)).toBeLessThan(1_500_000);
    // Each shipped declaration's relative imports name a shipped file, with the .js path NodeNext needs.
    for (const p of paths.filter((x) => x.endsWith('.d.ts'))) {
      const text = readFileSync(installed('fewshot-edge-browser', p), 'utf8');
      for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        expect(m[1], p).toMatch(/\.js$/);
        expect(paths, `${p} → ${m[1]}`).toContain(join(dirname(p), m[1]!).replace(/\.js$/, '.d.ts'));
      }
    }
  });

  it('its exports resolve to the shipped files, the .wasm subpaths included', async () => {
    const specs = ['fewshot-edge-browser', 'fewshot-edge-browser/tfjs-backend-wasm-simd.wasm', 'fewshot-edge-browser/linear-head.wasm'];
    const r = await run(process.execPath, ['--input-type=module', '-e', `console.log(JSON.stringify(${JSON.stringify(specs)}.map((s) => import.meta.resolve(s))))`], app);
    expect(r.code, r.out).toBe(0);
    const files = (JSON.parse(r.out) as string[]).map((u) => fileURLToPath(u));
    expect(files.map((f) => basename(f))).toEqual(['fewshot.js', 'tfjs-backend-wasm-simd.wasm', 'linear-head.wasm']);
    for (const f of files) expect(existsSync(f), f).toBe(true);
    const wasm = readFileSync(files[1]!);
    expect(wasm.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d])); // "\0asm"
  });

  for (const r of RESOLUTIONS) {
    it(`tsc (moduleResolution ${r.moduleResolution}) checks a page's use of it and reports each mistake on its line`, async () => {
      const t = await typecheck(`tsconfig.browser-${r.name}.json`);
      expect(t.errors.filter((e) => !e.startsWith('browser-bad.ts')), t.out).toEqual([]);
      expect([...new Set(t.errors)], t.out).toEqual(BROWSER_BAD_LINES.map((l) => `browser-bad.ts(${l})`));
    });
  }

  it('esbuild bundles a page that imports it', async () => {
    writeFileSync(join(app, 'runtime-page.js'), "import { createRuntime } from 'fewshot-edge-browser';\nwindow.start = () => createRuntime({ bundle: 'glyphs.fsb', wasmUrl: 'tfjs-backend-wasm-simd.wasm' });\n");
    const r = await build({ entryPoints: [join(app, 'runtime-page.js')], absWorkingDir: app, bundle: true, format: 'esm', platform: 'browser', write: false, minify: true, logLevel: 'silent' });
    const js = r.outputFiles[0]!.text;
    expect(js.length).toBeGreaterThan(300_000); // the runtime with tfjs-core inside it
    expect(js).toContain('linear-head.wasm'); // where it looks for the fused kernel by default
  });
});

describe('docs/client.md, from the installed tarball against fewshot serve', () => {
  let server: Running;
  const store = mkdtempSync(join(tmpdir(), 'fewshot-client-doc-'));
  beforeAll(async () => {
    writeFileSync(join(app, 'guide.mjs'), guideModule(GUIDE));
    // Three adapts in a burst, then one a second: the guide's six at once meet 429s.
    server = await startFewshot({ store, vars: { RATE_LIMITS: JSON.stringify({ default: { adapt: { limit: 3, period: 3 } } }) } });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(store, { recursive: true, force: true });
  });

  it('its install commands are the ones this test ran', () => {
    const sh = codeBlocks(GUIDE, 'sh').join('\n');
    expect(sh).toContain('npm run pack:packages');
    expect(sh).toMatch(new RegExp(`npm install \\S*dist/packages/${basename(packed.client.file).replace(/\./g, '\\.')}`));
    expect(sh).toContain(`dist/packages/${basename(packed.browser.file)}`);
  });

  it('its JavaScript type-checks against the installed types (@ts-check, strict, NodeNext)', async () => {
    const options = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', allowJs: true, checkJs: true, strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2022', 'DOM'], types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] };
    writeFileSync(join(app, 'tsconfig.guide.json'), JSON.stringify({ compilerOptions: options, files: ['guide.mjs'] }));
    const t = await typecheck('tsconfig.guide.json');
    expect(t.errors, t.out).toEqual([]);
    expect(t.code, t.out).toBe(0);
  });

  it('its JavaScript runs unchanged: adapt, predict, a problem, a head downloaded and uploaded, 429s waited out', async () => {
    const r = await run(process.execPath, ['guide.mjs'], app, { FEWSHOT_URL: server.base, FEWSHOT_KEY: 'local-dev-key' });
    expect(r.code, `${r.out}\n${server.log()}`).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^adapted [0-9a-f]{12}… loss \d+\.\d{3} → \d+\.\d{3}$/);
    expect(lines[1]).toMatch(/^bob: -?\d+\.\d{3} -?\d+\.\d{3} -?\d+\.\d{3}$/);
    expect(lines[2]).toBe('refused: 422 input_length');
    expect(lines[3]).toMatch(/^uploaded \d+ bytes for carol: (miss|hit)$/);
    expect(lines[4]).toBe(lines[1]!.replace('bob', 'carol')); // the uploaded head predicts what bob's does
    const burst = /^adapted (\d+) of 6 users after (\d+) retries$/.exec(lines[5] ?? '');
    expect(burst, r.out).not.toBeNull();
    expect(Number(burst![1])).toBe(6);
    expect(Number(burst![2])).toBeGreaterThan(0);
    expect(lines).toHaveLength(6);
    expect(existsSync(resolve(app, 'bob.fshd'))).toBe(true);
  });
});
