import { BundleError } from './errors';
import { parseSafetensors, tensorF32 } from './safetensors';
import { isTorchCheckpoint, readTorchCheckpoint } from './torch-checkpoint';
import type { StateTensor } from './tensor-decode';

export type { StateTensor } from './tensor-decode';

/**
 * A PyTorch state dict, whichever file it came from: `.pth`/`.pt` (`torch.save`, zip or legacy
 * format; torch-checkpoint.ts) or `.safetensors` (safetensors.ts). The format is recognised from
 * the bytes, not the file name. Tensors are decoded on `read()`.
 */
export interface StateDict {
  format: 'pytorch' | 'safetensors';
  tensors: Map<string, StateTensor>;
}

export interface ReadStateDictOptions {
  /** The checkpoint key holding the state dict (`state_dict`); PyTorch checkpoints only. */
  key?: string;
  /** Dropped from every key that starts with it (`module.`, from DataParallel or learn2learn's MAML wrapper). */
  stripPrefix?: string;
}

/** Reads a state dict from a PyTorch checkpoint or a safetensors file. */
export function readStateDict(bytes: Uint8Array, opts: ReadStateDictOptions = {}): StateDict {
  let format: StateDict['format'];
  let tensors: Map<string, StateTensor>;
  if (isTorchCheckpoint(bytes)) {
    format = 'pytorch';
    tensors = readTorchCheckpoint(bytes, opts.key);
  } else {
    // safetensors: 8 bytes of header length, then a JSON object.
    if (bytes.length < 9 || bytes[8] !== 0x7b) throw new BundleError('torch_invalid', 'neither a PyTorch checkpoint (zip or legacy torch.save) nor a safetensors file');
    if (opts.key !== undefined) throw new BundleError('torch_mapping', `--key '${opts.key}' picks from a PyTorch checkpoint; a safetensors file is a state dict already`);
    const st = parseSafetensors(bytes);
    format = 'safetensors';
    tensors = new Map([...st.entries].map(([name, e]) => [name, { dtype: e.dtype, shape: [...e.shape], read: () => tensorF32(st, name).data }]));
  }
  const p = opts.stripPrefix;
  if (!p) return { format, tensors };
  const stripped = new Map<string, StateTensor>();
  for (const [k, t] of tensors) {
    const name = k.startsWith(p) ? k.slice(p.length) : k;
    if (stripped.has(name)) throw new BundleError('torch_mapping', `--strip-prefix '${p}': '${k}' and another key both become '${name}'`);
    stripped.set(name, t);
  }
  return { format, tensors: stripped };
}
