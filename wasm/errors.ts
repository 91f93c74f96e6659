/** Which runtime a backend was brought up in. */
export type Runtime = 'node' | 'workerd' | 'browser';

/** Raised when the wasm backend cannot be brought up; says where, from what file, and why. */
export class WasmInitError extends Error {
  readonly code = 'wasm_init_failed';
  constructor(
    readonly runtime: Runtime,
    readonly file: string,
    readonly reason: string,
  ) {
    super(`tfjs wasm backend failed to initialise in ${runtime} from ${file}: ${reason}`);
    this.name = 'WasmInitError';
  }
}
