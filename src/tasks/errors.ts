export type TaskErrorCode = 'TASK_UNKNOWN' | 'TASK_NEEDS_DATA' | 'TASK_BAD_OPTIONS';

/** A task distribution was asked for something it cannot give. */
export class TaskError extends Error {
  constructor(
    readonly code: TaskErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TaskError';
  }
}
