import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const files = (dir: string, ext = /\.ts$/): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), ext) : ext.test(e.name) ? [join(dir, e.name)] : []));

/** Every problem `code` the worker can send: literal codes at ApiError/problemResponse call sites, `const code = …` choices, and the engine's and examples store's typed codes. */
function codesInSource(): Set<string> {
  const codes = new Set<string>();
  for (const f of files('worker')) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/(?:new ApiError|problemResponse)\(\s*[^,()]+,\s*'([a-z_]+)'/g)) codes.add(m[1]!);
    for (const m of src.matchAll(/const code = ([^;]+);/g)) for (const lit of m[1]!.matchAll(/[?:]\s*'([a-z_]+)'/g)) codes.add(lit[1]!);
  }
  const engine = /export type EngineErrorCode =([^;]+);/.exec(readFileSync('src/engine/errors.ts', 'utf8'))![1]!;
  for (const m of engine.matchAll(/'([a-z_]+)'/g)) codes.add(m[1]!);
  // The examples store's refusals (worker/examples/requests.ts maps each to a status).
  const examples = /export type ExamplesErrorCode =([^;]+);/.exec(readFileSync('src/examples/ledger.ts', 'utf8'))![1]!;
  for (const m of examples.matchAll(/'([a-z_]+)'/g)) codes.add(m[1]!);
  return codes;
}

function codesInDocs(): Set<string> {
  const md = readFileSync('docs/api.md', 'utf8');
  const table = md.slice(md.indexOf('## Errors'), md.indexOf('\n## ', md.indexOf('## Errors') + 1));
  const codes = new Set<string>();
  for (const row of table.split('\n').filter((l) => /^\| \d{3} \|/.test(l))) for (const m of row.split('|')[2]!.matchAll(/`([a-z_]+)`/g)) codes.add(m[1]!);
  return codes;
}

describe('docs/api.md lists every error code the API can send', () => {
  it('each code in worker/ and the engine has a row in the Errors table, and the table invents none', () => {
    const source = codesInSource();
    const docs = codesInDocs();
    // The extraction itself is checked: codes from each kind of site are found.
    for (const c of ['unauthorized', 'method_not_allowed', 'unsupported_media_type', 'invalid_path', 'input_length', 'bad_request']) expect(source, c).toContain(c);
    expect([...source].filter((c) => !docs.has(c)).sort()).toEqual([]);
    expect([...docs].filter((c) => !source.has(c)).sort()).toEqual([]);
  });

  it('every operator var worker/config.ts reads has a row in the operator settings table', () => {
    const config = readFileSync('worker/config.ts', 'utf8');
    const schema = config.slice(config.indexOf('const ConfigSchema'), config.indexOf('});', config.indexOf('const ConfigSchema')));
    const vars = [...schema.matchAll(/^\s+([A-Z][A-Z_]+):/gm)].map((m) => m[1]!);
    expect(vars).toContain('MAX_USER_LENGTH');
    const md = readFileSync('docs/api.md', 'utf8');
    const table = md.slice(md.indexOf('## Operator settings'));
    expect(vars.filter((v) => !table.includes(`\`${v}\``))).toEqual([]);
  });

  it('the docs, README and code cite only files in this repository', () => {
    const texts = [...files('worker'), ...files('src'), ...files('wasm'), ...files('node'), ...files('browser'), ...files('cli'), ...files('docs', /\.md$/), 'README.md'];
    const offenders = texts.filter((f) => /DESIGN\.md|STACK\.md|\.\.\/shared\//.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
