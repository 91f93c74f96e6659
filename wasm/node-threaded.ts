import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Factory, WasmSource } from './backend';

const require = createRequire(import.meta.url);
const PKG = '@tensorflow/tfjs-backend-wasm';

/**
 * The pthread worker script of the threaded build, as a file: the package ships it only as a string
 * (meant for a Blob URL), and Node's worker_threads need a path. tfjs escapes its newlines the same
 * way before making the Blob. Written once per content under the temp dir, atomically.
 */
async function workerScript(): Promise<string> {
  const { wasmWorkerContents } = require(`${PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`) as { wasmWorkerContents: string };
  const text = wasmWorkerContents.replace(/\n/g, '\\n');
  const { version } = require(`${PKG}/package.json`) as { version: string };
  const dir = join(tmpdir(), 'fewshot-edge');
  const file = join(dir, `tfjs-backend-wasm-${version}-threaded-simd.worker.cjs`);
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing === text) return file;
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
  return file;
}

/**
 * The threaded SIMD build of tfjs-backend-wasm for Node: XNNPACK (conv, matmul) splits each kernel's
 * output tiles over `threads` worker threads. Each output element is still computed by one thread in
 * one order, so results do not depend on the thread count. Training only: request-time adaptation
 * stays single-threaded everywhere.
 */
export async function nodeThreadedSource(threads: number): Promise<WasmSource> {
  const glue = require.resolve(`${PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.js`);
  const file = require.resolve(`${PKG}/dist/tfjs-backend-wasm-threaded-simd.wasm`);
  const worker = await workerScript();
  return {
    runtime: 'node',
    file,
    simd: true,
    module: async () => WebAssembly.compile(await readFile(file)),
    threaded: {
      threads,
      factory: () => {
        const m = require(glue) as Factory | { default: Factory };
        return typeof m === 'function' ? m : m.default;
      },
      config: { locateFile: (p: string) => (p.endsWith('.worker.js') ? worker : p), mainScriptUrlOrBlob: glue },
    },
  };
}
