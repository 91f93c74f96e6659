import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FUSED_WASM_FILE, compileFused } from '../../wasm/fused/build';

describe('the fused kernel build', () => {
  it('the committed linear-head.wasm equals a fresh build (asc output is deterministic)', async () => {
    const fresh = await compileFused();
    const committed = await readFile(FUSED_WASM_FILE);
    expect(fresh.length).toBeGreaterThan(1000);
    expect(Buffer.from(fresh).equals(committed)).toBe(true);
  });

  it('is a self-contained SIMD module: no imports, its own memory, both solvers with their plans, and the probe', async () => {
    const bytes = await readFile(FUSED_WASM_FILE);
    const module = await WebAssembly.compile(bytes);
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    expect(WebAssembly.Module.exports(module).map((e) => `${e.kind}:${e.name}`).sort()).toEqual(
      ['function:lateFeatureWidth', 'function:lateFeatures', 'function:latePlan', 'function:lateSolve', 'function:lateTable', 'function:peakMulAdd', 'function:plan', 'function:solve', 'function:table', 'memory:memory'],
    );
    // A SIMD opcode (0xfd prefix) with v128.load (0xfd 0x00) must be present: the kernel is vectorised.
    expect(bytes.includes(Buffer.from([0xfd, 0x00]))).toBe(true);
  });
});
