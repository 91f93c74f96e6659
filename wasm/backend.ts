import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
// The emscripten glue of the non-threaded build serves both the plain and the SIMD binary.
import wasmFactoryImport from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js';
import { WasmInitError } from './errors';
// Our composite kernels (gradients tfjs-backend-wasm lacks), registered for 'wasm' in every runtime.
import './kernels/register';
import type { Runtime } from './errors';

/** What the live backend is, as reported by `/healthz` and `runtimeInfo()`. */
export interface BackendInfo {
  backend: string;
  simd: boolean;
  threads: number;
  runtime: Runtime;
  file: string;
  initMs: number;
  /** Whether the fused SIMD linear-head kernel (wasm/fused) is installed for the engine. */
  fused?: boolean;
}

/** How to obtain the compiled tfjs wasm module in the current runtime. */
export interface WasmSource {
  runtime: Runtime;
  /** Human-readable name of the file (path or URL) for error messages. */
  file: string;
  /** Whether this file is the SIMD build. */
  simd: boolean;
  /** Produces the compiled module; never compiles in runtimes that forbid it (workerd). */
  module: () => Promise<WebAssembly.Module>;
  /**
   * A multi-threaded build (Node training only): its emscripten glue, the extra glue settings it needs
   * (where its pthread worker script is), and the XNNPACK thread count. Absent: the single-threaded glue.
   */
  threaded?: { factory: () => Factory; config: Record<string, unknown>; threads: number };
}

const REQUIRED_EXPORTS = ['init', 'init_with_threads_count', 'get_threads_count', 'register_tensor', 'dispose_data', 'dispose', 'memory'];
const DEFAULT_TIMEOUT_MS = 10_000;

export type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;
interface EmscriptenModule {
  cwrap: (name: string, ret: string | null, args: string[]) => (...a: number[]) => unknown;
  tfjs?: unknown;
}

let current: Promise<BackendInfo> | undefined;
let info: BackendInfo | undefined;

function factory(): Factory {
  const m = wasmFactoryImport as unknown as Factory | { default: Factory };
  return typeof m === 'function' ? m : m.default;
}

/** The emscripten glue picks its Node code path when it sees `process`; outside Node that path breaks. */
function withoutNodeGlobals<T>(runtime: Runtime, fn: () => T): T {
  if (runtime === 'node') return fn();
  const g = globalThis as { process?: unknown };
  const saved = g.process;
  let hidden = false;
  try {
    g.process = undefined;
    hidden = true;
  } catch {
    // a non-writable process: the glue will still take the browser path if `process.versions.node` is absent
  }
  try {
    return fn();
  } finally {
    if (hidden) g.process = saved;
  }
}

type ProcessLike = { listeners?(e: string): unknown[]; removeListener?(e: string, l: unknown): void };
const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'];

/** The process's error listeners now (undefined outside Node). */
function processListeners(): Map<string, unknown[]> | undefined {
  const p = (globalThis as { process?: ProcessLike }).process;
  if (!p?.listeners) return undefined;
  return new Map(PROCESS_EVENTS.map((e) => [e, [...p.listeners!(e)]]));
}

/** Removes the error listeners added since `before`. */
function dropNewListeners(before: Map<string, unknown[]> | undefined): void {
  const p = (globalThis as { process?: ProcessLike }).process;
  if (!before || !p?.listeners || !p.removeListener) return;
  for (const e of PROCESS_EVENTS) for (const l of p.listeners(e)) if (!before.get(e)!.includes(l)) p.removeListener(e, l);
}

async function instantiate(source: WasmSource, module: WebAssembly.Module): Promise<EmscriptenModule> {
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  // The threaded build imports its (shared) memory instead of exporting it.
  const required = source.threaded ? REQUIRED_EXPORTS.filter((n) => n !== 'memory') : REQUIRED_EXPORTS;
  const missing = required.filter((n) => !exported.has(n));
  if (missing.length > 0) throw new Error(`not a tfjs-backend-wasm module (missing exports: ${missing.join(', ')})`);
  let aborted: ((reason: string) => void) | undefined;
  const abortedP = new Promise<never>((_, reject) => {
    aborted = (reason) => reject(new Error(reason));
  });
  const config: Record<string, unknown> = {
    instantiateWasm(imports: WebAssembly.Imports, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
      // tfjs caps its XNNPACK pool at half the logical cores it is told about (it assumes
      // hyper-threading); report enough cores for the thread count asked for.
      const threads = source.threaded?.threads;
      if (threads) (imports.env as Record<string, unknown>).emscripten_num_logical_cores = () => 2 * threads;
      WebAssembly.instantiate(module, imports).then(
        (instance) => receive(instance, module),
        (e: unknown) => aborted?.(`instantiate failed: ${String(e)}`),
      );
      return {};
    },
    onAbort: (what: unknown) => aborted?.(`aborted: ${String(what)}`),
    locateFile: (p: string) => p,
    print: () => {},
    printErr: () => {},
    ...source.threaded?.config,
  };
  const make = source.threaded ? source.threaded.factory() : factory();
  const listeners = processListeners();
  const ready = withoutNodeGlobals(source.runtime, () => make(config));
  // In Node the glue installs process-wide uncaughtException/unhandledRejection handlers that rethrow:
  // any later crash of the host then prints the glue's one-line minified source as its "location".
  dropNewListeners(listeners);
  const mod = await Promise.race([ready, abortedP]);
  mod.tfjs = {
    init: mod.cwrap('init', null, []),
    initWithThreadsCount: mod.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: mod.cwrap('get_threads_count', 'number', []),
    registerTensor: mod.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: mod.cwrap('dispose_data', null, ['number']),
    dispose: mod.cwrap('dispose', null, []),
  };
  return mod;
}

function timeout(ms: number): { promise: Promise<never>; clear: () => void } {
  let id: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    try {
      id = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    } catch {
      // workerd forbids timers at global scope (isolate start-up, where the worker preloads): that
      // attempt runs without a deadline, and initWasmBackend bounds every request that waits for it.
    }
  });
  return { promise, clear: () => id !== undefined && clearTimeout(id) };
}

/** False at workerd's global scope, where setTimeout throws. */
function timersAllowed(): boolean {
  try {
    clearTimeout(setTimeout(() => {}, 0));
    return true;
  } catch {
    return false;
  }
}

async function bringUp(source: WasmSource, timeoutMs: number): Promise<BackendInfo> {
  const t0 = performance.now();
  // Threads need workers and a threaded binary: only Node training asks for them (workerd has no threads).
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', !!source.threaded);
  setThreadsCount(source.threaded?.threads ?? 1);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', source.simd);
  const limit = timeout(timeoutMs);
  try {
    const module = await Promise.race([source.module(), limit.promise]);
    const emscripten = await Promise.race([instantiate(source, module), limit.promise]);
    if (tf.findBackendFactory('wasm') != null) tf.removeBackend('wasm');
    // tfjs's BackendWasm wants the emscripten module with the cwrapped `tfjs` table on it.
    tf.registerBackend('wasm', () => new BackendWasm(emscripten as never), 3);
    const ok = await Promise.race([tf.setBackend('wasm'), limit.promise]);
    if (!ok || tf.getBackend() !== 'wasm') throw new Error('tf.setBackend("wasm") returned false');
    const backend = tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount: () => number } } };
    return {
      backend: tf.getBackend(),
      simd: source.simd,
      threads: backend.wasm.tfjs.getThreadsCount(),
      runtime: source.runtime,
      file: source.file,
      initMs: performance.now() - t0,
    };
  } catch (e) {
    throw e instanceof WasmInitError ? e : new WasmInitError(source.runtime, source.file, e instanceof Error ? e.message : String(e));
  } finally {
    limit.clear();
  }
}

/** Whether the pending attempt was started without a deadline (at global scope). */
let unbounded = false;

/** A request's wait for an attempt that has no deadline of its own; on timeout the next call starts afresh. */
function boundedWait(p: Promise<BackendInfo>, source: WasmSource, ms: number): Promise<BackendInfo> {
  const limit = timeout(ms);
  return Promise.race([p, limit.promise])
    .catch((e: unknown) => {
      // A start-up attempt that never settles must not poison the isolate.
      if (current === p) current = undefined;
      throw e instanceof WasmInitError ? e : new WasmInitError(source.runtime, source.file, e instanceof Error ? e.message : String(e));
    })
    .finally(limit.clear);
}

/**
 * Brings up the tfjs wasm backend from `source` once per isolate/process and makes it current.
 * Rejects with a `WasmInitError` (never hangs: `timeoutMs` bounds every stage; an attempt started at
 * workerd's global scope, where timers are forbidden, is bounded by the first caller that can set one).
 */
export function initWasmBackend(source: WasmSource, opts: { timeoutMs?: number; force?: boolean } = {}): Promise<BackendInfo> {
  const ms = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (current && !opts.force) return unbounded && timersAllowed() ? boundedWait(current, source, ms) : current;
  unbounded = !timersAllowed();
  const attempt = bringUp(source, ms).then((i) => {
    info = i;
    unbounded = false;
    return i;
  });
  // A failed attempt must not poison the isolate: the next call tries again.
  current = attempt.catch((e: unknown) => {
    current = undefined;
    unbounded = false;
    throw e;
  });
  return current;
}

/** The live backend's report, or undefined before a successful init. */
export function backendInfo(): BackendInfo | undefined {
  if (!info) return undefined;
  return { ...info, backend: tf.getBackend() };
}
