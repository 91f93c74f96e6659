import { initBrowserBackend } from '../wasm/browser';
import { decodeBundle } from '../src/bundle/index';
import { adapt as engineAdapt, createModel, predict as enginePredict } from '../src/engine/index';
import { decodeHead, encodeHead, headIdOf } from '../src/head/index';
import { RuntimeError } from './errors';
import { openExamplesRecords } from './examples-store';
import { openHeadStore } from './head-store';
import { userExamples } from './user-examples';
import { bundleBytes } from './load-bundle';
import type { GuardReport } from '../src/engine/guard-report';
import type { BackendInfo } from '../wasm/backend';
import type { AdaptPath, Model, Prediction } from '../src/engine/index';
import type { Head } from '../src/head/index';
import type { AdaptationDefaults, ModelSpec } from '../src/spec/model-spec';
import type { ExamplesRecords } from './examples-store';
import type { HeadStore, HeadSummary } from './head-store';
import type { UserExamples } from './user-examples';
import type { BundleSource } from './load-bundle';

export type { Prediction };

export interface RuntimeOptions {
  bundle: BundleSource;
  /** URL of tfjs-backend-wasm-simd.wasm (shipped beside fewshot.js). */
  wasmUrl: string;
  /** URL of the fused linear-head kernel (default: linear-head.wasm beside `wasmUrl`). */
  fusedWasmUrl?: string;
  /** IndexedDB database name (default `fewshot-edge`). */
  dbName?: string;
}

export interface RuntimeInfo {
  modelId: string;
  name: string;
  task: ModelSpec['task'];
  inputShape: number[];
  inputSize: number;
  defaults: AdaptationDefaults;
  backend: BackendInfo;
  bundleBytes: number;
  /** Time to fetch/decode the bundle, bring up wasm and upload the weights. */
  startMs: number;
}

export interface Support {
  inputs: number[][];
  labels: (string | number)[];
}

export interface AdaptOptions {
  steps?: number;
  lr?: number;
  /** Engine path: 'auto' (default) picks the fused kernel when installed. */
  path?: 'auto' | AdaptPath;
  /** Persist the head in IndexedDB (default true). */
  save?: boolean;
  /** A display name kept with the saved head. */
  name?: string;
}

export interface AdaptResult {
  /** The head's id: SHA-256 of its bytes, the id the worker, the CLI and `importHead` give the same head. */
  headId: string;
  head: Head;
  labels: (string | number)[];
  loss: { before: number; after: number };
  steps: number;
  lr: number;
  /** Steps actually taken: 0 when the model's guard kept it as it was (1-shot, or steps that would cost accuracy). */
  stepsUsed: number;
  /** The guard's decision, for models that have one (src/engine/guard.ts). */
  guard?: GuardReport;
  /** Which engine path ran: 'fused' (our SIMD kernel), 'fast' (tfjs linear) or 'autodiff'. */
  path: AdaptPath;
  /** Wall time of the adaptation itself, ms. */
  ms: number;
}


export interface Runtime {
  info: RuntimeInfo;
  model: Model;
  adapt(support: Support, options?: AdaptOptions): Promise<AdaptResult>;
  predict(head: Head | string, inputs: number[][]): Promise<Prediction[]>;
  saveHead(head: Head, meta?: { id?: string; steps?: number; lr?: number; loss?: { before: number; after: number }; name?: string }): Promise<HeadSummary>;
  loadHead(id: string): Promise<Head>;
  listHeads(): Promise<HeadSummary[]>;
  deleteHead(id: string): Promise<boolean>;
  /** The head's bytes in the shared format (what the worker keeps in KV). */
  exportHead(head: Head | string): Promise<Uint8Array>;
  /** Verifies, checks the model and saves bytes from elsewhere (the worker, another device). */
  importHead(bytes: Uint8Array, meta?: { id?: string; name?: string }): Promise<HeadSummary>;
  /** Users' examples in IndexedDB, each user's head re-adapted from all of theirs (the server's examples API, on the device). */
  examples: UserExamples;
  /** Predicts with a user's examples head (re-adapted first if the bundle changed); RuntimeError 'head_not_found' if they have none. */
  predictUser(user: string, inputs: number[][]): Promise<Prediction[]>;
  dispose(): void;
}

/** Loads a bundle, brings up the SIMD wasm backend and opens the head store; everything after this works offline. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const t0 = performance.now();
  // Bundle ids, head ids and head checksums are SHA-256 via WebCrypto, which only secure contexts have.
  if (!globalThis.crypto?.subtle) throw new RuntimeError('insecure_context', 'crypto.subtle is missing: serve the page over https, http://localhost or an app-asset origin (see docs/webview.md)');
  const bytes = await bundleBytes(options.bundle);
  const [backend, data, store, examples] = await Promise.all([
    initBrowserBackend(options.wasmUrl, options.fusedWasmUrl ? { fusedUrl: options.fusedWasmUrl } : {}),
    decodeBundle(bytes),
    openHeadStore(options.dbName),
    openExamplesRecords(options.dbName),
  ]);
  const model = createModel(data);
  const info: RuntimeInfo = {
    modelId: model.id,
    name: model.name,
    task: model.spec.task,
    inputShape: [...model.spec.inputShape],
    inputSize: model.inputSize,
    defaults: model.defaults,
    backend,
    bundleBytes: bytes.length,
    startMs: performance.now() - t0,
  };
  return runtimeFor(model, info, store, examples);
}

function runtimeFor(model: Model, info: RuntimeInfo, store: HeadStore, examplesRecords: ExamplesRecords): Runtime {
  const examples = userExamples(model, info.name, examplesRecords);
  // Decoded heads by id, so repeated predictions do not re-read IndexedDB.
  const cache = new Map<string, Head>();
  let disposed = false;
  const live = (): void => {
    if (disposed) throw new RuntimeError('disposed', 'the runtime was disposed');
  };
  const checkModel = (head: Head): Head => {
    if (head.modelId !== model.id) throw new RuntimeError('head_model_mismatch', `head belongs to model ${head.modelId}, not ${model.id}`);
    return head;
  };
  const saveBytes = async (head: Head, bytes: Uint8Array, meta: Parameters<Runtime['saveHead']>[1] = {}): Promise<HeadSummary> => {
    live();
    checkModel(head);
    const id = meta.id ?? (await headIdOf(bytes));
    const record = { id, modelId: head.modelId, task: head.task, labels: [...head.labels], createdAt: Date.now(), byteLength: bytes.length, bytes, ...pick(meta) };
    await store.put(record);
    cache.set(id, head);
    const { bytes: _b, ...summary } = record;
    return summary;
  };
  const saveHead: Runtime['saveHead'] = async (head, meta = {}) => saveBytes(head, await encodeHead(head), meta);
  const loadHead = async (id: string): Promise<Head> => {
    live();
    const hit = cache.get(id);
    if (hit) return hit;
    const record = await store.get(id);
    if (!record) throw new RuntimeError('head_not_found', `no saved head ${id}`);
    let head: Head;
    try {
      head = await decodeHead(record.bytes);
    } catch (e) {
      throw new RuntimeError('head_corrupt', `saved head ${id}: ${e instanceof Error ? e.message : String(e)}`);
    }
    cache.set(id, checkModel(head));
    return head;
  };
  const resolve = (h: Head | string): Promise<Head> => (typeof h === 'string' ? loadHead(h) : Promise.resolve(checkModel(h)));
  return {
    info,
    model,
    examples,
    async predictUser(user, inputs) {
      live();
      const r = await examples.list(user);
      if (!r.head) throw new RuntimeError('head_not_found', `user ${JSON.stringify(user)} has no head (no examples, or one class)`);
      return enginePredict(model, r.head, inputs);
    },
    async adapt(support, options = {}) {
      live();
      const t = performance.now();
      const r = engineAdapt(model, support, { steps: options.steps, lr: options.lr, path: options.path });
      const ms = performance.now() - t;
      const bytes = await encodeHead(r.head);
      const headId = await headIdOf(bytes);
      if (options.save !== false) await saveBytes(r.head, bytes, { id: headId, steps: r.steps, lr: r.lr, loss: r.loss, name: options.name });
      else cache.set(headId, r.head);
      return { headId, head: r.head, labels: [...r.head.labels], loss: r.loss, steps: r.steps, lr: r.lr, stepsUsed: r.stepsUsed, ...(r.guard ? { guard: r.guard } : {}), path: r.path, ms };
    },
    async predict(head, inputs) {
      const h = await resolve(head);
      live();
      return enginePredict(model, h, inputs);
    },
    saveHead,
    loadHead,
    listHeads: () => store.list(model.id),
    async deleteHead(id) {
      live();
      cache.delete(id);
      return store.delete(id);
    },
    async exportHead(head) {
      return encodeHead(await resolve(head));
    },
    async importHead(bytes, meta = {}) {
      let head: Head;
      try {
        head = await decodeHead(bytes);
      } catch (e) {
        throw new RuntimeError('head_corrupt', e instanceof Error ? e.message : String(e));
      }
      return saveBytes(head, bytes, { id: meta.id ?? (await headIdOf(bytes)), name: meta.name });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      store.close();
      examplesRecords.close();
      cache.clear();
      model.dispose();
    },
  };
}

function pick(meta: { steps?: number; lr?: number; loss?: { before: number; after: number }; name?: string }): Partial<HeadSummary> {
  const out: Partial<HeadSummary> = {};
  if (meta.steps !== undefined) out.steps = meta.steps;
  if (meta.lr !== undefined) out.lr = meta.lr;
  if (meta.loss !== undefined) out.loss = { ...meta.loss };
  if (meta.name !== undefined) out.name = meta.name;
  return out;
}
