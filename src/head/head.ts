import type { AdaptScope, NamedTensor, TaskKind } from '../spec/model-spec';

/**
 * An adapted head: the parameters the inner loop changed, and what they mean. For scope 'head' the
 * head layers' trainable params; for 'all' every trainable param (stored statistics never change).
 * `labels` is the output order of a classification head (empty for regression).
 */
export interface Head {
  modelId: string;
  task: TaskKind;
  labels: (string | number)[];
  scope: AdaptScope;
  params: Record<string, NamedTensor>;
  /**
   * Fewest support examples of any class, recorded when the model's "none of these" distance depends
   * on the shot count (defaults.unknownDistances); absent in older heads.
   */
  shots?: number;
}

export type HeadErrorCode = 'truncated' | 'bad_magic' | 'bad_version' | 'checksum' | 'bad_meta' | 'bad_payload' | 'bad_json';

/** A head that could not be decoded; never returned partially. */
export class HeadError extends Error {
  readonly code: HeadErrorCode;

  constructor(code: HeadErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'HeadError';
    this.code = code;
  }
}
