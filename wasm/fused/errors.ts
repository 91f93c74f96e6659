/** Stable codes of the fused kernel's errors. */
export type FusedErrorCode = 'fused_invalid_problem' | 'fused_out_of_memory' | 'fused_bad_module';

/** Raised by the fused kernel for a malformed problem, an arena that cannot grow, or a wrong module. */
export class FusedKernelError extends Error {
  constructor(
    readonly code: FusedErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FusedKernelError';
  }
}
