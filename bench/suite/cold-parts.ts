// The first-request work of a fresh isolate, stage by stage, in the order the worker does it. Run once
// per fresh isolate/process: every stage after the first sees a cold engine (kernels never run yet).
import * as tf from '@tensorflow/tfjs-core';
import { decodeBundle } from '../../src/bundle/index';
import { adapt, createModel, predict } from '../../src/engine/index';
import type { SupportSet } from '../../src/engine/index';

export interface ColdDeps {
  /** Brings up the tfjs wasm backend only (no fused kernel). */
  initTfjs(): Promise<unknown>;
  /** Installs the fused kernel; resolves whether it is installed. */
  installFused(): Promise<boolean>;
  bundle(): Promise<Uint8Array>;
  support: SupportSet;
  queries: number[][];
}

export interface ColdParts {
  backend_init_ms: number;
  fused_install_ms: number;
  fused: boolean;
  bundle_decode_ms: number;
  model_upload_ms: number;
  first_adapt_ms: number;
  second_adapt_ms: number;
  first_predict_ms: number;
  /** Sum of the stages up to and including the first adapt. */
  total_to_first_adapt_ms: number;
}

/** Runs and times each cold stage once. */
export async function coldParts(deps: ColdDeps): Promise<ColdParts> {
  const marks: number[] = [performance.now()];
  const mark = (): number => {
    marks.push(performance.now());
    return marks[marks.length - 1]! - marks[marks.length - 2]!;
  };
  await deps.initTfjs();
  const backend = mark();
  const fused = await deps.installFused();
  const install = mark();
  const data = await decodeBundle(await deps.bundle());
  const decode = mark();
  const model = createModel(data);
  const upload = mark();
  const first = adapt(model, deps.support);
  const firstAdapt = mark();
  adapt(model, deps.support);
  const second = mark();
  predict(model, first.head, deps.queries);
  const pred = mark();
  model.dispose();
  if (tf.getBackend() !== 'wasm') throw new Error(`cold path ran on ${tf.getBackend()}`);
  return {
    backend_init_ms: backend,
    fused_install_ms: install,
    fused,
    bundle_decode_ms: decode,
    model_upload_ms: upload,
    first_adapt_ms: firstAdapt,
    second_adapt_ms: second,
    first_predict_ms: pred,
    total_to_first_adapt_ms: backend + install + decode + upload + firstAdapt,
  };
}
