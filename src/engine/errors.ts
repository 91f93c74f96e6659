/** Codes of caller mistakes; the API maps each to a 4xx. */
export type EngineErrorCode =
  | 'input_length'
  | 'non_finite'
  | 'empty_support'
  | 'label_count_mismatch'
  | 'too_few_examples'
  | 'too_many_classes'
  | 'too_many_examples'
  | 'label_kind'
  | 'steps_out_of_range'
  | 'lr_out_of_range'
  | 'optimizer_unknown'
  | 'path_unavailable'
  | 'head_mismatch';

/** A request the engine refuses before (or instead of) computing anything. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly detail: string;

  constructor(code: EngineErrorCode, detail: string) {
    super(detail);
    this.name = 'EngineError';
    this.code = code;
    this.detail = detail;
  }
}

/** A model (bundle) the engine cannot run: missing or misshapen tensors. Not the caller's fault. */
export class ModelError extends Error {
  readonly code = 'model_invalid';

  constructor(message: string) {
    super(`model_invalid: ${message}`);
    this.name = 'ModelError';
  }
}
