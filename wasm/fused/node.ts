import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createFusedKernel, installFusedKernel } from './kernel';
import type { FusedKernel } from './kernel';

/** Path of the built fused module next to this file. */
export function fusedWasmPath(): string {
  return fileURLToPath(new URL('./linear-head.wasm', import.meta.url));
}

/** Reads and compiles the fused module (Node may compile from bytes). */
export async function loadFusedModuleNode(file = fusedWasmPath()): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await readFile(file));
}

/** A fresh, unregistered fused kernel instance (for tests and benchmarks). */
export async function createNodeFusedKernel(file?: string): Promise<FusedKernel> {
  return createFusedKernel(await loadFusedModuleNode(file));
}

/** Installs the fused kernel for the engine in Node; resolves whether it is installed. */
export async function installNodeFusedKernel(opts: { file?: string; force?: boolean; onError?: (e: unknown) => void } = {}): Promise<boolean> {
  return (await installFusedKernel(() => loadFusedModuleNode(opts.file), opts)) !== undefined;
}
