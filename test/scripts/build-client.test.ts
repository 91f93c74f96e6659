import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { buildClient } from '../../scripts/build-client';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, maxBuffer: 16 << 20 }, (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });
}

/** A consumer that uses the client the way a user would, and one that gets a field wrong. */
const GOOD = `import { createClient } from 'fewshot-edge/client';
import type { ApiSchema } from 'fewshot-edge/client';
export async function use(): Promise<string> {
  const api = createClient('http://127.0.0.1:8787', 'local-dev-key');
  const res = await api.v1.models[':model'].adapt.$post({ param: { model: 'glyphs' }, json: { user: 'alice', support: { inputs: [[0, 1]], labels: ['a'] }, steps: 3 } });
  const body = await res.json();
  const id: string = body.headId;
  const steps: number = body.steps;
  const p = await (await api.v1.models[':model'].predict.$post({ param: { model: 'glyphs' }, json: { user: 'alice', inputs: [[0, 1]] } })).json();
  const first = p.predictions[0];
  const label = first && 'label' in first ? first.label : null;
  const route: keyof ApiSchema = '/v1/models/:model/adapt';
  return \`\${id} \${steps} \${String(label)} \${route}\`;
}
`;
const BAD = `import { createClient } from 'fewshot-edge/client';
export async function misuse(): Promise<void> {
  const api = createClient('http://127.0.0.1:8787', 'local-dev-key');
  await api.v1.models[':model'].adapt.$post({ param: { model: 'glyphs' }, json: { user: 'alice', suport: { inputs: [[0]], labels: ['a'] } } });
  const body = await (await api.v1.models[':model'].adapt.$post({ param: { model: 'glyphs' }, json: { user: 'a', support: { inputs: [[0]], labels: ['a'] } } })).json();
  const n: number = body.headId;
  void n;
}
`;

const consumer = mkdtempSync(join(tmpdir(), 'fewshot-client-'));

beforeAll(async () => {
  // Built fresh from the current worker source (npm ci's prepare builds it too).
  await buildClient();
  mkdirSync(join(consumer, 'node_modules'));
  symlinkSync(root, join(consumer, 'node_modules', 'fewshot-edge'), 'dir');
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  writeFileSync(join(consumer, 'good.ts'), GOOD);
  writeFileSync(join(consumer, 'bad.ts'), BAD);
  for (const [name, module, resolution] of [['nodenext', 'NodeNext', 'NodeNext'], ['bundler', 'ESNext', 'Bundler']] as const) {
    // skipLibCheck off: the shipped .d.ts must check on its own, without the worker's Env.
    const options = { target: 'ES2022', module, moduleResolution: resolution, strict: true, noEmit: true, skipLibCheck: false, lib: ['ES2022', 'DOM'], types: [] };
    writeFileSync(join(consumer, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions: options, files: ['good.ts', 'bad.ts'] }));
  }
});

describe('fewshot-edge/client installs', () => {
  it('plain node imports it through the package exports (from the repo root, by self-reference)', async () => {
    const r = await run(process.execPath, ['--input-type=module', '-e', "import('fewshot-edge/client').then((m) => console.log(JSON.stringify(Object.keys(m))))"], root);
    expect(r.code, r.out).toBe(0);
    expect(JSON.parse(r.out)).toEqual(['createClient']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.exports['./client'].types).toMatch(/^\.\/dist\/client\/.*\.d\.ts$/);
    expect(pkg.scripts.prepare).toContain('build:client');
  });

  it('the types carry no Cloudflare Env and do not collapse', () => {
    const dts = readFileSync(join(root, 'dist', 'client', 'index.d.ts'), 'utf8');
    expect(dts).not.toMatch(/\bEnv\b|KVNamespace|worker-configuration/);
    expect(dts).not.toMatch(/[:<,]\s*any\b|\bany\[\]/); // the literal "any" (classes) is fine; the type is not
  });

  for (const config of ['nodenext', 'bundler']) {
    it(`tsc (${config} resolution, skipLibCheck off) accepts correct use and reports the wrong fields`, async () => {
      const r = await run(process.execPath, [tsc, '-p', `tsconfig.${config}.json`, '--pretty', 'false'], consumer);
      const errors = r.out.split('\n').filter((l) => /error TS\d+/.test(l));
      // good.ts checks; bad.ts fails exactly on the misspelt field and on a string used as a number.
      expect(errors.filter((l) => !l.startsWith('bad.ts')), r.out).toEqual([]);
      expect(errors.some((l) => l.startsWith('bad.ts(4,') && /suport/.test(l)), r.out).toBe(true);
      expect(errors.some((l) => l.startsWith('bad.ts(6,') && /TS2322/.test(l) && /string/.test(l)), r.out).toBe(true);
      expect(errors).toHaveLength(2);
      expect(r.code).not.toBe(0);
    });
  }

  it('a bundler (esbuild) bundles a consumer, and the bundle runs', async () => {
    writeFileSync(join(consumer, 'app.js'), "import { createClient } from 'fewshot-edge/client';\nexport const api = createClient('http://127.0.0.1:1', 'k');\nexport const kind = typeof createClient;\n");
    const out = join(consumer, 'bundle.mjs');
    await build({ entryPoints: [join(consumer, 'app.js')], bundle: true, format: 'esm', platform: 'browser', outfile: out, logLevel: 'silent' });
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('Bearer');
    const m = (await import(pathToFileURL(out).href)) as { kind: string; api: { v1: unknown } };
    expect(m.kind).toBe('function');
    expect(typeof m.api.v1).toBe('function'); // hono/client's proxy
  });
});
