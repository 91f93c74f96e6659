/** What a head id depends on besides the model and the support set: the resolved inner-loop options. */
export interface HeadIdOptions {
  steps: number;
  lr: number;
  /** The update rule; SGD (the default) is left out of the text, so heads adapted before it existed keep their ids. */
  optimizer?: string;
}

const toF32 = (v: unknown): unknown => (typeof v === 'number' ? Math.fround(v) : v);

/**
 * Canonical text of an adaptation request. Inputs are rounded to float32 (what the engine computes
 * with), so requests that adapt identically share an id; labels keep their kind (1 ≠ "1").
 * Malformed support sets still hash (the engine rejects them later with a typed error).
 */
export function canonicalRequest(modelId: string, support: { inputs: unknown; labels: unknown }, opts: HeadIdOptions): string {
  const inputs = Array.isArray(support.inputs) ? support.inputs.map((row: unknown) => (Array.isArray(row) ? row.map(toF32) : row)) : support.inputs;
  const rule = opts.optimizer !== undefined && opts.optimizer !== 'sgd' ? { optimizer: opts.optimizer } : {};
  return JSON.stringify({ v: 1, model: modelId, inputs, labels: support.labels, steps: opts.steps, lr: opts.lr, ...rule });
}

/** Content address of an adapted head: hex SHA-256 over (model id, canonical support set, options). */
export async function headIdFor(modelId: string, support: { inputs: unknown; labels: unknown }, opts: HeadIdOptions): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalRequest(modelId, support, opts));
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of hash) hex += b.toString(16).padStart(2, '0');
  return hex;
}
