export type RuntimeErrorCode =
  | 'insecure_context'
  | 'bundle_fetch'
  | 'no_indexeddb'
  | 'store_failed'
  | 'head_not_found'
  | 'head_corrupt'
  | 'head_model_mismatch'
  | 'disposed';

/** A browser-runtime failure outside the engine (fetching, storage, a head that does not fit). */
export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;

  constructor(code: RuntimeErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'RuntimeError';
    this.code = code;
  }
}
