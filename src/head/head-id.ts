import { sha256Hex } from '../util/sha256';

/**
 * A head has one id everywhere (CLI, API, browser runtime): the hex SHA-256 of its encoded bytes
 * (`encodeHead`), so the same head is the same id whoever made it, uploaded it or downloaded it.
 */
export function headIdOf(bytes: Uint8Array): Promise<string> {
  return sha256Hex(bytes);
}

/** What an adapt key depends on besides the model and the support set: the resolved inner-loop options. */
export interface AdaptKeyOptions {
  steps: number;
  lr: number;
  /** The update rule; SGD (the default) is left out of the text, so heads adapted before it existed keep their ids. */
  optimizer?: string;
}

const toF32 = (v: unknown): unknown => (typeof v === 'number' ? Math.fround(v) : v);

/**
 * Canonical text of an adaptation request. Inputs are rounded to float32 (what the engine computes
 * with), so requests that adapt identically share a key; labels keep their kind (1 ≠ "1").
 * Malformed support sets still hash (the engine rejects them later with a typed error).
 */
export function canonicalRequest(modelId: string, support: { inputs: unknown; labels: unknown }, opts: AdaptKeyOptions): string {
  const inputs = Array.isArray(support.inputs) ? support.inputs.map((row: unknown) => (Array.isArray(row) ? row.map(toF32) : row)) : support.inputs;
  const rule = opts.optimizer !== undefined && opts.optimizer !== 'sgd' ? { optimizer: opts.optimizer } : {};
  return JSON.stringify({ v: 1, model: modelId, inputs, labels: support.labels, steps: opts.steps, lr: opts.lr, ...rule });
}

/**
 * The adapt cache's index key: hex SHA-256 over (model id, canonical support set, options). It finds
 * the head a request made before without running the inner loop; it is not the head's id (that is
 * `headIdOf` its bytes). Heads stored before ids were unified were keyed, and are still found, by it.
 */
export async function adaptKeyFor(modelId: string, support: { inputs: unknown; labels: unknown }, opts: AdaptKeyOptions): Promise<string> {
  return sha256Hex(new TextEncoder().encode(canonicalRequest(modelId, support, opts)));
}
