import { ApiError } from '../problem';
import { StoreUnavailable } from './store-catalog';
import type { RegisteredModel } from './registered-model';
import type { RequestHooks, StoreCatalog } from './store-catalog';

/** The embedded models a view falls back to (the ModelRegistry; an interface, so this file does not import it). */
export interface EmbeddedModels {
  names(): string[];
  get(name: string): Promise<RegisteredModel> | undefined;
}

/**
 * The models one request sees: a name in the store's manifest resolves there (a stored model
 * shadows an embedded one of the same name); any other name falls back to the embedded bundles.
 * If the store cannot be read at all, embedded models keep serving and other names are a 503.
 */
export class ModelView {
  constructor(
    private readonly registry: EmbeddedModels,
    private readonly catalog: StoreCatalog | undefined,
    private readonly hooks: RequestHooks,
  ) {}

  /** The model by name, or undefined if neither the store nor the embedded bundles have it. */
  async get(name: string): Promise<RegisteredModel | undefined> {
    if (this.catalog) {
      try {
        const stored = await this.catalog.get(name, this.hooks);
        if (stored) return stored;
      } catch (e) {
        if (!(e instanceof StoreUnavailable)) throw e;
        if (!this.registry.names().includes(name)) throw new ApiError(503, 'store_unavailable', `model '${name}' may be in the model store, which cannot be read: ${e.message}`, { 'retry-after': '5' });
      }
    }
    return this.registry.get(name);
  }

  /** Every model: the embedded ones (a stored one in the place of one it shadows), then the store's others. */
  async all(): Promise<RegisteredModel[]> {
    let stored: string[] = [];
    if (this.catalog) stored = await this.catalog.names(this.hooks).catch((e: unknown) => (e instanceof StoreUnavailable ? [] : Promise.reject(e)));
    const embedded = this.registry.names();
    const names = [...embedded, ...stored.filter((n) => !embedded.includes(n))];
    const got = await Promise.all(names.map((n) => this.get(n)));
    return got.filter((m): m is RegisteredModel => m !== undefined);
  }
}
