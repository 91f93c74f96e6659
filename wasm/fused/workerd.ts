// wrangler's CompiledWasm rule turns this import into a WebAssembly.Module: workerd forbids
// compiling wasm from bytes.
import fusedModule from './linear-head.wasm';
import { createFusedKernel, installFusedKernel } from './kernel';
import type { FusedKernel } from './kernel';

/** A fresh, unregistered fused kernel instance from the imported module. */
export function createWorkerdFusedKernel(module: WebAssembly.Module = fusedModule): Promise<FusedKernel> {
  return createFusedKernel(module);
}

/** Installs the fused kernel for the engine in workerd; resolves whether it is installed. */
export async function installWorkerdFusedKernel(opts: { module?: WebAssembly.Module; force?: boolean; onError?: (e: unknown) => void } = {}): Promise<boolean> {
  const module = opts.module ?? fusedModule;
  return (await installFusedKernel(async () => module, opts)) !== undefined;
}
