import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Runs registered wasm kernels directly, as building blocks of a composite kernel: no tape and no
 * tidy scope see them (going through tf ops here would record them on the gradient tape a second
 * time), and every intermediate is freed when the composite finishes.
 */
export class KernelScope {
  private readonly made: TensorInfo[] = [];

  constructor(private readonly backend: KernelBackend) {}

  /** Runs the wasm kernel `name`; its output is freed by `finish` unless it is the result. */
  run(name: string, inputs: NamedTensorInfoMap | TensorInfo[], attrs: Record<string, unknown> = {}): TensorInfo {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new Error(`composite wasm kernel: building block '${name}' is not registered for wasm`);
    const out = kernel.kernelFunc({ inputs: inputs as NamedTensorInfoMap, backend: this.backend, attrs: attrs as NamedAttrMap });
    const info = Array.isArray(out) ? out[0]! : out;
    this.made.push(info);
    return info;
  }

  /** Frees every intermediate but `result`, which the engine takes over. */
  finish(result: TensorInfo): TensorInfo {
    this.release(result);
    return result;
  }

  /** Frees every intermediate (but `keep`); also the error path. */
  release(keep?: TensorInfo): void {
    for (const t of this.made.splice(0)) if (t !== keep) this.backend.disposeData(t.dataId);
  }
}
