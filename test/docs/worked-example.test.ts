// docs/api.md's worked example, run as written: the TypeScript block is type-checked against the
// worker's routes and executed against `fewshot serve` (the embedded glyphs model), and what it
// prints must be the "Output" block below it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, startFewshot } from '../node/servers';

const dir = mkdtempSync(join(tmpdir(), 'fewshot-worked-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first ```ts block after the heading, and the ``` block after the line "Output:". */
function workedExample(): { code: string; output: string } {
  const md = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
  const at = md.indexOf('### Worked example');
  expect(at).toBeGreaterThan(0);
  const code = /```ts\n([\s\S]*?)```/.exec(md.slice(at))![1]!;
  const output = /Output:\n\n```\n([\s\S]*?)```/.exec(md.slice(at))![1]!;
  return { code, output };
}

/** The snippet as a file of its own: the package import points at the client's source (packages/client), example files at the repo's. */
function localised(code: string): string {
  return code.replace(/from 'fewshot-edge-client'/, `from '${join(ROOT, 'packages/client/src/index.ts')}'`).replace(/from '\.\/examples\//g, `from '${join(ROOT, 'examples')}/`);
}

describe("docs/api.md's worked example (teach, correct, forget)", () => {
  it('type-checks against the routes', async () => {
    const file = join(dir, 'typed.mts');
    writeFileSync(file, localised(workedExample().code));
    const options = { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, noUncheckedIndexedAccess: true, resolveJsonModule: true, skipLibCheck: true, noEmit: true, allowImportingTsExtensions: true, lib: ['ES2022'], types: [] };
    // The worker's own ambient types (its runtime's globals, the .wasm/.fsb modules) and a `process` for the snippet's env read.
    writeFileSync(join(dir, 'env.d.ts'), 'declare const process: { env: Record<string, string | undefined> };\n');
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: [file, join(dir, 'env.d.ts'), join(ROOT, 'worker-configuration.d.ts'), join(ROOT, 'wasm/modules.d.ts')] }));
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const r = await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: ROOT }).then(
      () => ({ code: 0, out: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('prints what the docs say it prints, against fewshot serve', async () => {
    const { code, output } = workedExample();
    const file = join(dir, 'run.mts'); // .mts: an ES module (top-level await) outside any package.json
    writeFileSync(file, localised(code));
    const s = await startFewshot({ store: join(dir, 'store'), vars: { RATE_LIMITS: 'off' } });
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: { ...process.env, API: s.base }, timeout: 60_000 });
      expect(stdout).toBe(output);
    } finally {
      await s.stop();
    }
  });
});
