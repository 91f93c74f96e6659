// Consumer code for the installed packages: what a user writes (must check) and mistakes (each must
// be reported on its own line), for tsc under each moduleResolution.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Uses every part of the client the way a user would: narrowing on ok/status, bytes, uploadHead, headers. */
export const CLIENT_GOOD = `import { createClient, uploadHead } from 'fewshot-edge-client';
import type { ApiSchema, Problem, UploadHeadResponse } from 'fewshot-edge-client';
export async function use(): Promise<string> {
  const api = createClient('http://127.0.0.1:8787', 'local-dev-key', { headers: { 'x-trace': '1' } });
  const res = await api.v1.models[':model'].adapt.$post({ param: { model: 'glyphs' }, json: { user: 'alice', support: { inputs: [[0, 1]], labels: ['a'] }, steps: 3 } });
  if (!res.ok) {
    const problem: Problem = await res.json();
    if (res.status === 429) return \`retry in \${res.headers.get('retry-after')} s: \${problem.code}\`;
    return \`\${problem.status} \${problem.title} \${problem.detail} \${problem.type}\`;
  }
  const id: string = (await res.json()).headId;
  const p = await api.v1.models[':model'].predict.$post({ param: { model: 'glyphs' }, json: { user: 'alice', inputs: [[0, 1]] } });
  if (p.status !== 200) return (await p.json()).code;
  const first = (await p.json()).predictions[0];
  const label = first && 'label' in first ? first.label : null;
  const dl = await api.v1.models[':model'].heads[':headId'].$get({ param: { model: 'glyphs', headId: id } });
  if (!dl.ok) return (await dl.json()).code;
  const bytes: ArrayBuffer = await dl.arrayBuffer();
  const up: UploadHeadResponse = await uploadHead(api, { model: 'glyphs', head: new Uint8Array(bytes), user: 'bob' }, { headers: { 'x-request-id': 'r1' } });
  const stored = up.ok ? (await up.json()).headId : (await up.json()).code;
  const gone = await api.v1.models[':model'].users[':user'].$delete({ param: { model: 'glyphs', user: 'bob' } });
  const route: keyof ApiSchema = '/v1/models/:model/adapt';
  return \`\${id} \${String(label)} \${stored} \${gone.status === 204} \${route}\`;
}
`;

/** One mistake per line; the line numbers are what the test expects tsc to report. */
export const CLIENT_BAD = `import { createClient, uploadHead } from 'fewshot-edge-client';
export async function misuse(): Promise<void> {
  const api = createClient('http://127.0.0.1:8787', 'local-dev-key');
  const res = await api.v1.models[':model'].adapt.$post({ param: { model: 'glyphs' }, json: { user: 'alice', support: { inputs: [[0]], labels: ['a'] } } });
  await api.v1.models[':model'].adapt.$post({ param: { model: 'glyphs' }, json: { user: 'alice', suport: { inputs: [[0]], labels: ['a'] } } });
  const unchecked: string = (await res.json()).headId;
  if (res.ok) { const n: number = (await res.json()).headId; void n; }
  if (!res.ok) { const p = await res.json(); void p.headId; }
  if (res.status === 418) return;
  const dl = await api.v1.models[':model'].heads[':headId'].$get({ param: { model: 'glyphs', headId: unchecked } });
  if (dl.ok) { const r: Response = await dl.json(); void r; }
  await uploadHead(api, { model: 'glyphs', head: 'not bytes' });
}
`;
/** The lines of CLIENT_BAD with a mistake (1-based). */
export const CLIENT_BAD_LINES = [5, 6, 7, 8, 9, 11, 12];

export const BROWSER_GOOD = `import { createRuntime, encodeHead, RuntimeError } from 'fewshot-edge-browser';
import type { AdaptResult, Runtime } from 'fewshot-edge-browser';
export async function run(bundle: Uint8Array): Promise<string> {
  const rt: Runtime = await createRuntime({ bundle, wasmUrl: 'tfjs-backend-wasm-simd.wasm' });
  const r: AdaptResult = await rt.adapt({ inputs: [[0]], labels: ['a'] }, { steps: 3 });
  const bytes: Uint8Array = await rt.exportHead(r.headId);
  const again = await encodeHead(r.head);
  return \`\${r.headId} \${bytes.length} \${again.length} \${RuntimeError.name}\`;
}
`;
export const BROWSER_BAD = `import { createRuntime } from 'fewshot-edge-browser';
export async function misuse(bundle: Uint8Array): Promise<void> {
  const rt = await createRuntime({ bundle, wasmURL: 'x.wasm' });
  const r = await rt.adapt({ inputs: [[0]], labels: ['a'] });
  const n: number = r.headId;
  void n;
}
`;
export const BROWSER_BAD_LINES = [3, 5];

export const RESOLUTIONS = [
  { name: 'nodenext', module: 'NodeNext', moduleResolution: 'NodeNext' },
  { name: 'bundler', module: 'ESNext', moduleResolution: 'Bundler' },
  { name: 'node10', module: 'ESNext', moduleResolution: 'node10' },
] as const;

/** Writes the consumer files and one tsconfig per (package, resolution) into `dir`. */
export function writeConsumers(dir: string): void {
  const files = { 'client-good.ts': CLIENT_GOOD, 'client-bad.ts': CLIENT_BAD, 'browser-good.ts': BROWSER_GOOD, 'browser-bad.ts': BROWSER_BAD };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  for (const r of RESOLUTIONS) {
    const base = { target: 'ES2022', module: r.module, moduleResolution: r.moduleResolution, strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [] };
    // The client's declarations must check on their own (skipLibCheck off). The browser runtime's name
    // tfjs-core's tensor types, which its package does not ship (docs/client.md says so): skipLibCheck on.
    writeFileSync(join(dir, `tsconfig.client-${r.name}.json`), JSON.stringify({ compilerOptions: { ...base, skipLibCheck: false }, files: ['client-good.ts', 'client-bad.ts'] }));
    writeFileSync(join(dir, `tsconfig.browser-${r.name}.json`), JSON.stringify({ compilerOptions: { ...base, skipLibCheck: true }, files: ['browser-good.ts', 'browser-bad.ts'] }));
  }
}
