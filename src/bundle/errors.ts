/** Stable codes of every way a bundle can be refused; documented in docs/bundle-format.md. */
export type BundleErrorCode =
  | 'bad_magic'
  | 'unsupported_version'
  | 'truncated'
  | 'trailing_bytes'
  | 'checksum_mismatch'
  | 'bad_header'
  | 'bad_spec'
  | 'unsupported_feature'
  | 'unsupported_layer'
  | 'unsupported_dtype'
  | 'bad_tensor_table'
  | 'shape_mismatch'
  | 'non_finite'
  | 'out_of_range'
  | 'bad_input'
  | 'tfjs_unsupported'
  | 'tfjs_bad_weights'
  | 'safetensors_invalid'
  | 'torch_mapping'
  | 'torch_invalid'
  | 'pickle_refused';

/** A bundle (or a model about to become one) was refused; `code` says why, `message` says where. */
export class BundleError extends Error {
  readonly code: BundleErrorCode;

  constructor(code: BundleErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'BundleError';
    this.code = code;
  }
}

/** Throws a BundleError with the given code unless the condition holds. */
export function check(condition: unknown, code: BundleErrorCode, message: string | (() => string)): asserts condition {
  if (!condition) throw new BundleError(code, typeof message === 'string' ? message : message());
}
