import { decodeBundle } from './decode';
import { encodeBundle } from './encode';
import type { TensorDtype } from './tensor-table';

/**
 * Re-encodes a bundle with another storage dtype; the new bundle's provenance records the id it
 * was made from (`quantizedFrom`). Going back to f32 gives the dequantized values, not the originals.
 */
export async function quantizeBundle(bytes: Uint8Array | ArrayBuffer, dtype: TensorDtype, opts: { perChannel?: boolean } = {}): Promise<Uint8Array> {
  const { id, storage: _storage, ...model } = await decodeBundle(bytes);
  return encodeBundle({ ...model, provenance: { ...model.provenance, quantizedFrom: id } }, { dtype, ...opts });
}
