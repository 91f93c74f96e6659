import { decodeBundle } from '../../src/bundle/index';
import { createModel } from '../../src/engine/index';
import { ModelView } from './model-view';
import { StoreCatalog } from './store-catalog';
import type { R2Like } from '../../src/store/r2-like';
import type { RequestHooks } from './store-catalog';
import type { BundleSource, ModelOrigin, RegisteredModel } from './registered-model';

/**
 * Decodes and verifies each bundle once per isolate. A bad bundle is remembered as an error (so
 * /healthz reports it and its routes answer 503) instead of throwing on every request. Models from
 * the store (an R2 bucket) are reached through `view()`, which puts them before the embedded ones.
 */
export class ModelRegistry {
  private readonly loaded = new Map<string, Promise<RegisteredModel>>();
  private readonly catalogs = new WeakMap<R2Like, StoreCatalog>();
  constructor(
    private readonly sources: BundleSource[],
    private readonly ready: () => Promise<unknown>,
  ) {}

  /** Names of every embedded model. */
  names(): string[] {
    return this.sources.map((s) => s.name);
  }

  /** The embedded model by name (undefined if no such model is embedded). */
  get(name: string): Promise<RegisteredModel> | undefined {
    const source = this.sources.find((s) => s.name === name);
    if (!source) return undefined;
    let p = this.loaded.get(name);
    if (!p) {
      p = this.loadBytes(source.name, source.bytes, { source: 'embedded' });
      this.loaded.set(name, p);
      // Only a bad bundle is remembered; a backend that failed to start is retried next request.
      p.catch(() => this.loaded.delete(name));
    }
    return p;
  }

  /** Every embedded model, loading those not loaded yet. */
  all(): Promise<RegisteredModel[]> {
    return Promise.all(this.names().map((n) => this.get(n)!));
  }

  /** This request's view: the store's models (if a bucket is bound) over the embedded ones. */
  view(store: R2Like | undefined, hooks: RequestHooks): ModelView {
    if (!store) return new ModelView(this, undefined, hooks);
    let catalog = this.catalogs.get(store);
    if (!catalog) {
      catalog = new StoreCatalog(store, (name, v, bytes) => this.loadBytes(name, bytes, { source: 'store', version: v.version, publishedAt: v.publishedAt, note: v.note }, v.bundleId));
      this.catalogs.set(store, catalog);
    }
    return new ModelView(this, catalog, hooks);
  }

  /** Decodes (checksum included) and uploads one bundle; `expectId` is the id the manifest promised. */
  async loadBytes(name: string, bytesOf: () => Promise<ArrayBuffer | Uint8Array | null>, origin: ModelOrigin, expectId?: string): Promise<RegisteredModel> {
    await this.ready();
    const base = { name, ...clean(origin) };
    try {
      const raw = await bytesOf();
      if (!raw) return { ...base, status: 'error', error: 'bundle not found' };
      const bytes = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
      const data = await decodeBundle(bytes);
      if (expectId !== undefined && data.id !== expectId) return { ...base, status: 'error', error: `bundle id ${data.id} is not the manifest's ${expectId}` };
      return { ...base, status: 'ready', data, model: createModel(data), bundleBytes: bytes.byteLength };
    } catch (e) {
      return { ...base, status: 'error', error: e instanceof Error ? e.message : String(e) };
    }
  }
}

const clean = (o: ModelOrigin): ModelOrigin => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as unknown as ModelOrigin;
