import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BundleError, decodeBundle } from '../../src/bundle/index';
import { createModel, ModelError } from '../../src/engine/index';
import { decodeHead, HeadError } from '../../src/head/index';
import { readStateDict } from '../../src/bundle/state-dict';
import type { NamedTensor } from '../../src/spec/model-spec';

/** What one decode of fuzzed bytes came to; 'untyped' and 'inconsistent' are failures. */
export interface DecodeOutcome {
  id: number;
  outcome: 'typed' | 'ok' | 'untyped' | 'inconsistent';
  code?: string;
  detail?: string;
}

export interface DecodeJob {
  id: number;
  kind: 'bundle' | 'head' | 'torch';
  bytes: Uint8Array;
  /** torch: the checkpoint key to read (`state_dict`). */
  key?: string;
}

const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A decoded value is complete: every tensor has exactly its shape's count of finite floats. */
function tensorProblems(tensors: Record<string, NamedTensor>): string[] {
  const out: string[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) out.push(`${name}: bad shape`);
    else if (t.data.length !== numel(t.shape)) out.push(`${name}: ${t.data.length} values for shape [${t.shape}]`);
    if (!t.data.every(Number.isFinite)) out.push(`${name}: non-finite values`);
  }
  return out;
}

/**
 * A PyTorch checkpoint read whole: every tensor decoded. Each decoded tensor must hold exactly its
 * shape's count of values and take at most twice the file's size (F16 widened to F32): a file can
 * never make the reader allocate more than it brought (broadcast views, huge declared sizes).
 */
function readTorch(job: DecodeJob): DecodeOutcome {
  const { id } = job;
  const sd = readStateDict(job.bytes, job.key === undefined ? {} : { key: job.key });
  let refused: string | undefined;
  for (const [name, t] of sd.tensors) {
    let data: Float32Array;
    try {
      data = t.read();
    } catch (e) {
      // Integer tensors (num_batches_tracked) and damaged values are refused when read: typed, per tensor.
      if (e instanceof BundleError) {
        refused ??= `${e.name}:${e.code}`;
        continue;
      }
      throw e;
    }
    if (data.length !== numel(t.shape)) return { id, outcome: 'inconsistent', detail: `${name}: ${data.length} values for shape [${t.shape}]` };
    if (data.byteLength > 2 * job.bytes.length + 64) return { id, outcome: 'inconsistent', detail: `${name}: ${data.byteLength} bytes decoded from a ${job.bytes.length}-byte file` };
  }
  return refused && sd.tensors.size > 0 ? { id, outcome: 'ok', code: `read-with-${refused}` } : { id, outcome: 'ok', code: 'decoded' };
}

async function run(job: DecodeJob): Promise<DecodeOutcome> {
  const { id } = job;
  try {
    if (job.kind === 'torch') return readTorch(job);
    if (job.kind === 'head') {
      const head = await decodeHead(job.bytes);
      const problems = tensorProblems(head.params);
      return problems.length ? { id, outcome: 'inconsistent', detail: problems.join('; ') } : { id, outcome: 'ok', code: 'decoded' };
    }
    const data = await decodeBundle(job.bytes);
    const problems = tensorProblems(data.tensors);
    if (problems.length) return { id, outcome: 'inconsistent', detail: problems.join('; ') };
    // A bundle that decodes is either usable whole or refused whole by the engine: never half a model.
    const before = tf.memory().numTensors;
    try {
      createModel(data).dispose();
    } catch (e) {
      if (!(e instanceof ModelError)) return { id, outcome: 'untyped', detail: `createModel threw ${(e as Error)?.name}: ${(e as Error)?.message}` };
      if (tf.memory().numTensors !== before) return { id, outcome: 'inconsistent', detail: 'a refused model leaked tensors' };
      return { id, outcome: 'typed', code: 'engine:model_invalid' };
    }
    if (tf.memory().numTensors !== before) return { id, outcome: 'inconsistent', detail: 'a disposed model leaked tensors' };
    return { id, outcome: 'ok', code: 'decoded' };
  } catch (e) {
    if (e instanceof BundleError || e instanceof HeadError) return { id, outcome: 'typed', code: `${e.name}:${e.code}` };
    return { id, outcome: 'untyped', detail: `${(e as Error)?.name}: ${(e as Error)?.message}` };
  }
}

await tf.setBackend('cpu');
parentPort!.on('message', (job: DecodeJob) => {
  void run(job).then((r) => parentPort!.postMessage(r));
});
parentPort!.postMessage({ id: -1, outcome: 'ok', code: 'ready' } satisfies DecodeOutcome);
