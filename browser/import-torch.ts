import { BundleError, encodeBundle } from '../src/bundle/index';
import { readStateDict } from '../src/bundle/state-dict';
import { importTorchStateDict } from '../src/bundle/torch-import';

/**
 * A PyTorch checkpoint (`.pth`/`.pt` from `torch.save`, or `.safetensors`) to bundle bytes, on the
 * device and offline: what `fewshot bundle import-torch` does, for an operator page or a webview.
 * The result goes straight into `createRuntime({ bundle })`. Refusals are BundleErrors with the
 * CLI's codes and messages (docs/pytorch.md); a hostile pickle is refused, never run.
 */
export interface TorchImportRequest {
  /** The checkpoint's bytes (a File's `arrayBuffer()`, a fetch body). */
  checkpoint: Uint8Array | ArrayBuffer;
  /** The import spec: our architecture and where each parameter comes from (docs/pytorch.md §2). */
  spec: unknown;
  /** The checkpoint key holding the state dict (`state_dict`). */
  key?: string;
  /** Dropped from every key that starts with it (`module.`). */
  stripPrefix?: string;
  name?: string;
  /** Recorded as provenance.source unless the spec says one. */
  source?: string;
  dtype?: 'f32' | 'f16' | 'int8';
}

export interface TorchImportResult {
  bundle: Uint8Array;
  /** Lossy conversions made (F64 tensors rounded to F32). */
  warnings: string[];
  tensors: number;
  parameters: number;
}

function parseSpec(spec: unknown): unknown {
  if (typeof spec !== 'string') return spec;
  try {
    return JSON.parse(spec) as unknown;
  } catch (e) {
    throw new BundleError('bad_spec', `the import spec is not JSON: ${(e as Error).message}`);
  }
}

export async function importTorchCheckpoint(req: TorchImportRequest): Promise<TorchImportResult> {
  const bytes = req.checkpoint instanceof Uint8Array ? req.checkpoint : new Uint8Array(req.checkpoint);
  const sd = readStateDict(bytes, { ...(req.key === undefined ? {} : { key: req.key }), ...(req.stripPrefix === undefined ? {} : { stripPrefix: req.stripPrefix }) });
  const warnings: string[] = [];
  const model = importTorchStateDict(sd, parseSpec(req.spec), { ...(req.name === undefined ? {} : { name: req.name }), ...(req.source === undefined ? {} : { source: req.source }), warn: (w) => warnings.push(w) });
  const bundle = await encodeBundle(model, { dtype: req.dtype ?? 'f32' });
  return { bundle, warnings, tensors: Object.keys(model.tensors).length, parameters: Object.values(model.tensors).reduce((a, t) => a + t.data.length, 0) };
}
