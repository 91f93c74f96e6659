/** Stable codes for data errors, so callers can branch without parsing messages. */
export type DataErrorCode = 'GLYPHS_BAD_INDEX' | 'GLYPHS_BAD_PIXELS' | 'GLYPHS_BAD_SPLIT' | 'EPISODE_BAD_OPTIONS';

/** A data-layer error with a stable `code`. */
export class DataError extends Error {
  readonly code: DataErrorCode;

  constructor(code: DataErrorCode, message: string) {
    super(message);
    this.name = 'DataError';
    this.code = code;
  }
}
