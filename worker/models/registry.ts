import { decodeBundle } from '../../src/bundle/index';
import { createModel } from '../../src/engine/index';
import type { Model } from '../../src/engine/index';
import type { ModelData } from '../../src/spec/model-spec';

/** Where a bundle's bytes come from: embedded in the worker, or fetched (e.g. from KV) on first use. */
export interface BundleSource {
  name: string;
  bytes: () => Promise<ArrayBuffer | Uint8Array | null>;
}

export interface ReadyModel {
  name: string;
  status: 'ready';
  data: ModelData;
  model: Model;
  bundleBytes: number;
}

export interface FailedModel {
  name: string;
  status: 'error';
  error: string;
}

export type RegisteredModel = ReadyModel | FailedModel;

/**
 * Decodes and verifies each bundle once per isolate. A bad bundle is remembered as an error (so
 * /healthz reports it and its routes answer 503) instead of throwing on every request.
 */
export class ModelRegistry {
  private readonly loaded = new Map<string, Promise<RegisteredModel>>();
  constructor(
    private readonly sources: BundleSource[],
    private readonly ready: () => Promise<unknown>,
  ) {}

  /** Names of every configured model. */
  names(): string[] {
    return this.sources.map((s) => s.name);
  }

  /** The model by name (undefined if no such model is configured). */
  get(name: string): Promise<RegisteredModel> | undefined {
    const source = this.sources.find((s) => s.name === name);
    if (!source) return undefined;
    let p = this.loaded.get(name);
    if (!p) {
      p = this.load(source);
      this.loaded.set(name, p);
      // Only a bad bundle is remembered; a backend that failed to start is retried next request.
      p.catch(() => this.loaded.delete(name));
    }
    return p;
  }

  /** Every configured model, loading those not loaded yet. */
  all(): Promise<RegisteredModel[]> {
    return Promise.all(this.names().map((n) => this.get(n)!));
  }

  private async load(source: BundleSource): Promise<RegisteredModel> {
    await this.ready();
    try {
      const raw = await source.bytes();
      if (!raw) return { name: source.name, status: 'error', error: 'bundle not found' };
      const bytes = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
      const data = await decodeBundle(bytes);
      return { name: source.name, status: 'ready', data, model: createModel(data), bundleBytes: bytes.byteLength };
    } catch (e) {
      return { name: source.name, status: 'error', error: e instanceof Error ? e.message : String(e) };
    }
  }
}
