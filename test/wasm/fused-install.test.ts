import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../wasm/node';
import { backendInfo } from '../../wasm/backend';
import { lateBlockKernel, registerLateBlockKernel } from '../../src/engine/late-block-kernel';
import { linearHeadKernel, registerLinearHeadKernel } from '../../src/engine/linear-head-kernel';
import { FUSED_KERNEL_NAME, createFusedKernel, installFusedKernel } from '../../wasm/fused/kernel';
import { installNodeFusedKernel, loadFusedModuleNode } from '../../wasm/fused/node';

const emptyWasm = fileURLToPath(new URL('../fixtures/empty.wasm', import.meta.url));

describe('fused kernel installation in Node', () => {
  it('initNodeBackend installs both kernels (linear head, late block) for the engine and reports fused: true', async () => {
    const info = await initNodeBackend();
    expect(info.fused).toBe(true);
    expect(backendInfo()?.fused).toBe(true);
    expect(linearHeadKernel()?.name).toBe(FUSED_KERNEL_NAME);
    expect(lateBlockKernel()?.name).toBe(FUSED_KERNEL_NAME);
  });

  it('a loader failure resolves false, reports the cause, and leaves the registered kernel alone', async () => {
    await initNodeBackend();
    const before = linearHeadKernel();
    const errors: unknown[] = [];
    const ok = await installNodeFusedKernel({ file: '/nonexistent/linear-head.wasm', force: true, onError: (e) => errors.push(e) });
    expect(ok).toBe(false);
    expect(String(errors[0])).toMatch(/ENOENT/);
    expect(linearHeadKernel()).toBe(before);
  });

  it('with nothing registered, a failure keeps the engine on tfjs (no kernel)', async () => {
    registerLinearHeadKernel(undefined);
    registerLateBlockKernel(undefined);
    const errors: unknown[] = [];
    const kernel = await installFusedKernel(async () => WebAssembly.compile(await readFile(emptyWasm)), { force: true, onError: (e) => errors.push(e) });
    expect(kernel).toBeUndefined();
    expect(errors[0]).toMatchObject({ code: 'fused_bad_module' });
    expect(linearHeadKernel()).toBeUndefined();
    expect(lateBlockKernel()).toBeUndefined();
    expect(await installNodeFusedKernel({ force: true })).toBe(true);
    expect(linearHeadKernel()?.name).toBe(FUSED_KERNEL_NAME);
    expect(lateBlockKernel()?.name).toBe(FUSED_KERNEL_NAME);
  });

  it('installs once per process: later calls reuse the same instance', async () => {
    const first = await installFusedKernel(() => loadFusedModuleNode());
    const second = await installFusedKernel(() => Promise.reject(new Error('must not be called')));
    expect(second).toBe(first);
  });

  it('createFusedKernel rejects a module that is not ours with fused_bad_module', async () => {
    const empty = await WebAssembly.compile(await readFile(emptyWasm));
    await expect(createFusedKernel(empty)).rejects.toMatchObject({ code: 'fused_bad_module', message: /missing exports: memory, plan/ });
  });
});
