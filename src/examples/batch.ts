import { EngineError } from '../engine/errors';
import { validateSupport } from '../engine/validate';
import { decodeInput, encodeInput, isImageShape } from './codec';
import type { AdaptationDefaults, ModelSpec } from '../spec/model-spec';
import type { NewExample, StoredExample } from './ledger';

/** What the examples rules need to know of a model. */
export interface ExamplesModel {
  spec: Pick<ModelSpec, 'task' | 'inputShape'>;
  inputSize: number;
  defaults: AdaptationDefaults;
}

/**
 * Checks new examples as the engine would (input length, finite values, label kinds, a learned
 * head's fixed labels) and encodes them for storage; throws EngineError. A batch of one class is
 * fine: the user's stored examples may hold the second.
 */
export function encodeExamples(model: ExamplesModel, inputs: number[][], labels: (string | number)[]): NewExample[] {
  try {
    validateSupport({ inputs, labels }, model.spec.task, model.inputSize, model.defaults);
  } catch (e) {
    if (!(e instanceof EngineError && e.code === 'too_few_examples')) throw e;
  }
  const image = isImageShape(model.spec.inputShape);
  return inputs.map((row, i) => ({ label: labels[i]!, ...encodeInput(row, image) }));
}

/** The stored examples as a support set: decoded, in insertion order — what every head is adapted on. */
export function supportOf(examples: readonly StoredExample[]): { inputs: number[][]; labels: (string | number)[] } {
  return { inputs: examples.map((e) => decodeInput(e.enc, e.data)), labels: examples.map((e) => e.label) };
}

/** Whether stored examples make a head: a model whose classes come from the examples needs two of them. */
export function makesHead(model: ExamplesModel, examples: readonly { label: string | number }[]): boolean {
  if (examples.length === 0) return false;
  if (model.spec.task !== 'classification' || model.defaults.headInit === 'learned') return true;
  return new Set(examples.map((e) => `${typeof e.label}:${String(e.label)}`)).size >= 2;
}
