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
