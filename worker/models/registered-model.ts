import type { Model } from '../../src/engine/index';
import type { ModelData } from '../../src/spec/model-spec';

// The registry's inputs and outputs, in their own file so the registry, its view and the store
// catalog can all name them without importing one another.

/** Where a bundle's bytes come from: embedded in the worker, or fetched (e.g. from KV) on first use. */
export interface BundleSource {
  name: string;
  bytes: () => Promise<ArrayBuffer | Uint8Array | null>;
}

/** Where a served model came from: the worker's own bundles, or the model store (with its manifest version). */
export interface ModelOrigin {
  source: 'embedded' | 'store';
  /** Store only: the manifest version, when it was published, and the operator's note. */
  version?: number;
  publishedAt?: string;
  note?: string;
}

export interface ReadyModel extends ModelOrigin {
  name: string;
  status: 'ready';
  data: ModelData;
  model: Model;
  bundleBytes: number;
}

export interface FailedModel extends ModelOrigin {
  name: string;
  status: 'error';
  error: string;
}

export type RegisteredModel = ReadyModel | FailedModel;
