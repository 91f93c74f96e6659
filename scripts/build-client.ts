/**
 * Builds the fewshot-edge-client package (packages/client) into packages/client/dist/:
 *   index.js    ESM, from packages/client/src/index.ts (hono external: the package's one dependency)
 *   index.d.ts  its declarations (tsc)
 *   schema.d.ts the API's route types (packages/client/src/schema.ts) *expanded* by the TypeScript
 *               checker into one type literal, so consumers get exact request/response types without
 *               the worker, zod or Cloudflare's `Env` (or the 500 KB worker-configuration.d.ts).
 * Run by `npm ci` (`prepare`), by `npm pack -w fewshot-edge-client` (`prepack`) and by the client tests.
 *   npx tsx scripts/build-client.ts [--out DIR]
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));

const pkg = join(root, 'packages', 'client');

/** Named types the expanded schema may still mention, and where a consumer imports them from (null: no import). */
const KNOWN: Record<string, string | null> = {
  MergeSchemaPath: 'hono/types',
  JSONValue: 'hono/utils/types',
  StatusCode: 'hono/utils/http-status',
  Problem: null, // declared in schema.d.ts itself
  ArrayBuffer: null, // global
  Response: null, // global (DOM lib or @types/node), as hono/client itself needs
};

/** One program over the worker's tsconfig (which includes packages/client/src) plus a virtual probe file. */
function clientProgram(): { program: ts.Program; probe: ts.SourceFile } {
  // The probe asks the checker for the schema with every member resolved; nothing is written to the tree.
  const probe = join(root, 'worker', '__client-schema.ts');
  const text = [
    "import type { ApiSchema as S } from '../packages/client/src/schema';",
    // A fresh mapped type (no alias of its own), so the checker prints its members, not a name.
    'export type Expanded = { [P in keyof S]: { [M in keyof S[P]]: S[P][M] } };',
    '',
  ].join('\n');
  const configPath = join(root, 'worker', 'tsconfig.json');
  const cfg = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!cfg) throw new Error(`cannot read ${configPath}`);
  const options: ts.CompilerOptions = { ...cfg.options, noEmit: false, declaration: true, emitDeclarationOnly: true, rootDir: root, outDir: join(root, '.client-declarations') };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => f === probe || fileExists.call(host, f);
  host.readFile = (f) => (f === probe ? text : readFile.call(host, f));
  host.getSourceFile = (f, lang, ...rest) => (f === probe ? ts.createSourceFile(f, text, lang) : getSourceFile.call(host, f, lang, ...rest));
  const program = ts.createProgram({ rootNames: [...cfg.fileNames, probe], options, host });
  for (const f of [probe, join(pkg, 'src', 'schema.ts'), join(pkg, 'src', 'index.ts')]) {
    const errors = ts.getPreEmitDiagnostics(program, program.getSourceFile(f));
    if (errors.length) throw new Error(`the client's types do not check (${f}): ${ts.flattenDiagnosticMessageText(errors[0]!.messageText, '\n')}`);
  }
  return { program, probe: program.getSourceFile(probe)! };
}

/** The API schema as one self-contained type literal, and the imports it needs. */
export function expandedSchema(program: ts.Program, probe: ts.SourceFile): { text: string; imports: Map<string, string[]> } {
  const checker = program.getTypeChecker();
  const alias = probe.statements.find(ts.isTypeAliasDeclaration)!;
  const node = checker.typeToTypeNode(checker.getTypeAtLocation(alias.name), undefined, ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.InTypeAlias)!;
  const imports = new Map<string, string[]>();
  const visit = (n: ts.Node): void => {
    if (ts.isTypeReferenceNode(n)) {
      const name = ts.isIdentifier(n.typeName) ? n.typeName.text : `${ts.isIdentifier(n.typeName.left) ? n.typeName.left.text : '?'}.${n.typeName.right.text}`;
      if (!(name in KNOWN)) throw new Error(`the expanded API schema mentions the type '${name}': add where consumers import it from to KNOWN in scripts/build-client.ts`);
      const from = KNOWN[name];
      if (from) imports.set(from, [...new Set([...(imports.get(from) ?? []), name])]);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return { text: ts.createPrinter({ removeComments: true }).printNode(ts.EmitHint.Unspecified, node, probe), imports };
}

/** dist/schema.d.ts: the Problem interface as written in src/schema.ts, and the expanded ApiSchema. */
function schemaDeclarations(program: ts.Program, probe: ts.SourceFile): string {
  const src = program.getSourceFile(join(pkg, 'src', 'schema.ts'))!;
  const problem = src.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === 'Problem')!;
  const schema = expandedSchema(program, probe);
  return [
    '// Generated by scripts/build-client.ts from packages/client/src/schema.ts (the worker\'s route types, expanded). Do not edit.',
    ...[...schema.imports].map(([from, names]) => `import type { ${names.sort().join(', ')} } from '${from}';`),
    '',
    problem.getFullText(src).trim(),
    '',
    '/** Every route of the API: its params, query, JSON body, and each status it answers with and the body of that status. */',
    `export type ApiSchema = ${schema.text};`,
    '',
  ].join('\n');
}

/** dist/index.d.ts: tsc's declarations of packages/client/src/index.ts. */
function indexDeclarations(program: ts.Program): string {
  let out: string | undefined;
  const r = program.emit(program.getSourceFile(join(pkg, 'src', 'index.ts')), (name, text) => {
    if (name.endsWith('index.d.ts')) out = text;
  }, undefined, true);
  if (r.emitSkipped || out === undefined) throw new Error('tsc emitted no declarations for packages/client/src/index.ts');
  return out;
}

/** Writes index.js, index.d.ts and schema.d.ts into `outDir` (each via a temp file and a rename). */
export async function buildClient(outDir = join(pkg, 'dist')): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const js = await build({ entryPoints: [join(pkg, 'src', 'index.ts')], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', external: ['hono', 'hono/*'], write: false, logLevel: 'silent' });
  const { program, probe } = clientProgram();
  const files: Record<string, string> = { 'index.js': js.outputFiles[0]!.text, 'index.d.ts': indexDeclarations(program), 'schema.d.ts': schemaDeclarations(program, probe) };
  for (const [name, text] of Object.entries(files)) {
    const tmp = join(outDir, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(outDir, name));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  await buildClient(at > 0 ? resolve(process.argv[at + 1]!) : undefined);
}
