import { EngineError } from '../src/engine/index';
import { ApiError } from './problem';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const STATUS: Record<string, ContentfulStatusCode> = {
  too_many_examples: 413,
  too_many_classes: 413,
};

/** Runs engine work, turning its typed errors into 4xx problems (the caller's input was wrong). */
export function engineCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EngineError) throw new ApiError(STATUS[e.code] ?? 422, e.code, e.message);
    throw e;
  }
}
