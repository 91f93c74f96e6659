import { ApiError } from '../problem';
import type { ModelView } from './model-view';
import type { ReadyModel } from './registered-model';

/** The ready model by name, or the 404/503 problem the caller should see. */
export async function requireModel(models: ModelView, name: string): Promise<ReadyModel> {
  let m;
  try {
    m = await models.get(name);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(503, 'backend_unavailable', `the wasm backend is not available: ${e instanceof Error ? e.message : String(e)}`, { 'retry-after': '5' });
  }
  if (!m) throw new ApiError(404, 'model_not_found', `no model named '${name}'`);
  if (m.status === 'error') throw new ApiError(503, 'model_unavailable', `model '${name}' cannot be served: ${m.error}`, { 'retry-after': '60' });
  return m;
}
