// Compiles assembly/ to linear-head.wasm with asc (options in asconfig.json: --enable simd
// --runtime stub -O3, no imports). Run by `npm run build:wasm` and by `prepare` during `npm ci`.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const DIR = fileURLToPath(new URL('.', import.meta.url));

/** Where the built module lives (committed, and rebuilt by `npm run build:wasm`). */
export const FUSED_WASM_FILE = join(DIR, 'linear-head.wasm');

/** Compiles the AssemblyScript sources in memory and returns the .wasm bytes. */
export async function compileFused(): Promise<Uint8Array> {
  const { default: asc } = await import('assemblyscript/asc');
  let binary: Uint8Array | undefined;
  const stderr = asc.createMemoryStream();
  const { error } = await asc.main(['--baseDir', DIR, '--config', 'asconfig.json', '--outFile', 'linear-head.wasm', '--optimize', '-O3'], {
    stderr,
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
    },
  });
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  if (!binary) throw new Error('asc produced no binary');
  return binary;
}

async function main(): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await compileFused();
  } catch (e) {
    // `npm ci --omit=dev` has no asc: keep the committed binary rather than fail the install.
    const missing = e instanceof Error && /Cannot find (package|module) 'assemblyscript/.test(e.message);
    if (missing && existsSync(FUSED_WASM_FILE)) {
      console.warn(`build:wasm: assemblyscript is not installed; keeping the committed ${FUSED_WASM_FILE}`);
      return;
    }
    throw e;
  }
  await writeFile(FUSED_WASM_FILE, bytes);
  console.log(`build:wasm: wrote ${FUSED_WASM_FILE} (${bytes.length} bytes)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
