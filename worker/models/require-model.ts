import { ApiError } from '../problem';
import type { ModelRegistry, ReadyModel } from './registry';

/** The ready model by name, or the 404/503 problem the caller should see. */
export async function requireModel(models: ModelRegistry, name: string): Promise<ReadyModel> {
  const entry = models.get(name);
  if (!entry) throw new ApiError(404, 'model_not_found', `no model named '${name}'`);
  let m;
  try {
    m = await entry;
  } catch (e) {
    throw new ApiError(503, 'backend_unavailable', `the wasm backend is not available: ${e instanceof Error ? e.message : String(e)}`, { 'retry-after': '5' });
  }
  if (m.status === 'error') throw new ApiError(503, 'model_unavailable', `model '${name}' cannot be served: ${m.error}`, { 'retry-after': '60' });
  return m;
}
