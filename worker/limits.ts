import { ApiError } from './problem';
import type { Config } from './config';

/** Operator limits checked before any engine work (the engine then checks the bundle's own limits). */
export function checkSupportLimits(config: Config, support: { inputs: unknown[]; labels: unknown[] }, steps?: number, lr?: number): void {
  if (support.inputs.length > config.MAX_SUPPORT_EXAMPLES) {
    throw new ApiError(413, 'too_many_examples', `support has ${support.inputs.length} examples; the limit is ${config.MAX_SUPPORT_EXAMPLES}`);
  }
  const classes = new Set(support.labels.map((l) => `${typeof l}:${String(l)}`)).size;
  if (classes > config.MAX_CLASSES) throw new ApiError(413, 'too_many_classes', `support has ${classes} classes; the limit is ${config.MAX_CLASSES}`);
  if (steps !== undefined && steps > config.MAX_STEPS) throw new ApiError(422, 'steps_out_of_range', `steps ${steps} is above the limit ${config.MAX_STEPS}`);
  if (lr !== undefined && (lr < config.MIN_LR || lr > config.MAX_LR)) {
    throw new ApiError(422, 'lr_out_of_range', `lr ${lr} is outside [${config.MIN_LR}, ${config.MAX_LR}]`);
  }
}

/** Operator limit on the number of inputs one predict may carry. */
export function checkPredictLimits(config: Config, inputs: unknown[]): void {
  if (inputs.length > config.MAX_PREDICT_INPUTS) {
    throw new ApiError(413, 'too_many_inputs', `predict has ${inputs.length} inputs; the limit is ${config.MAX_PREDICT_INPUTS}`);
  }
}

/** Operator limit on user ids (the schema allows 128 characters; an operator may want fewer). */
export function checkUserLength(config: Config, user: string | undefined): void {
  if (user !== undefined && user.length > config.MAX_USER_LENGTH) {
    throw new ApiError(400, 'invalid_request', `user is ${user.length} characters; the limit is ${config.MAX_USER_LENGTH}`);
  }
}
