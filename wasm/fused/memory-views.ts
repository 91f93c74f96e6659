/** Typed views over a wasm instance's memory, and over the offset table a kernel's `plan` writes in it. */
export interface MemoryViews {
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly table: Uint32Array;
}

/**
 * The views of `memory`, rebuilt only when it has grown: growing detaches the old buffer and every
 * view over it. Call it after each `plan` (the only call that grows memory) and use what it returns.
 */
export function memoryViews(memory: WebAssembly.Memory, tablePtr: number, slots: number): () => MemoryViews {
  let buffer: ArrayBuffer | undefined;
  let views: MemoryViews | undefined;
  return () => {
    if (buffer !== memory.buffer || !views) {
      buffer = memory.buffer;
      views = { f32: new Float32Array(buffer), f64: new Float64Array(buffer), i32: new Int32Array(buffer), table: new Uint32Array(buffer, tablePtr, slots) };
    }
    return views;
  };
}
