import * as tf from '@tensorflow/tfjs-core';
import { chainFolds, createFoldCache } from './fold';
import { headContent, sameHead } from './head-content';
import type { Head } from '../head/head';
import type { ModelSpec } from '../spec/model-spec';
import type { FoldCache } from './fold';
import type { HeadContent } from './head-content';
import type { ForwardOptions } from './layers';
import type { ParamMap } from './params';

/** What a forward with a head needs on the backend: its params as tensors, and the options to run with. */
export interface HeadTensors {
  /** The head's params by full name; they override the model's stored ones. */
  params: ParamMap;
  /** The model's frozen forward with the head's own folds asked first (the blocks whose weights it carries). */
  forward: ForwardOptions;
}

/**
 * A model's few most recently used heads, uploaded and (for blocks whose weights a head overrides,
 * as a `late` head's conv and batch norm) folded. Why: the worker decodes a head from KV on every
 * request, so without it each predict uploaded the head again and re-folded its block (~6 kernels
 * and 2 uploads per block, on top of the body). An entry is found by the head's content, compared
 * value for value (`sameHead`), never by object identity (a fresh object every request) nor by a
 * hash alone (two heads can never share an entry). Disposed with the model.
 */
export interface HeadCache {
  /**
   * Runs `use` with `head`'s tensors: the held ones if an entry is this very head, else new ones
   * (then kept as the most recent entry, the least recent disposed beyond capacity; with capacity 0
   * disposed after `use`). `use` must not keep them: they live as long as the entry.
   */
  withHead<R>(head: Head, use: (t: HeadTensors) => R): R;
  /** Entries held. */
  readonly size: number;
  /** Tensors held by all entries (params and folds). */
  readonly tensors: number;
  dispose(): void;
}

interface Entry {
  /** Set when the entry is kept (a capacity-0 cache never compares). */
  content?: HeadContent;
  tensors: HeadTensors;
  folds: FoldCache | undefined;
  count: number;
}

/** Heads a model keeps uploaded by default: a handful of users predicting in turn (the default model's: ~75 KB of tensors and a 38 KB copy each). */
export const DEFAULT_HEAD_CACHE = 8;

/** Uploads `head`'s params and, under a frozen forward, folds each block they override. */
function makeEntry(spec: ModelSpec, stored: ParamMap, frozen: ForwardOptions, head: Head): Entry {
  const params: ParamMap = {};
  let folds: FoldCache | undefined;
  try {
    // Kept: an entry made inside a caller's tidy (a predict within one) must outlive that scope.
    for (const [name, t] of Object.entries(head.params)) params[name] = tf.keep(tf.tensor(t.data, t.shape, 'float32'));
    if (frozen.frozen) folds = createFoldCache(spec, stored, params);
  } catch (e) {
    tf.dispose(Object.values(params));
    throw e;
  }
  const forward: ForwardOptions = folds?.size ? { ...frozen, folds: frozen.folds ? chainFolds(folds, frozen.folds) : folds } : frozen;
  return { tensors: { params, forward }, folds, count: Object.keys(params).length + 2 * (folds?.size ?? 0) };
}

function disposeEntry(e: Entry): void {
  e.folds?.dispose();
  tf.dispose(Object.values(e.tensors.params));
}

/** A head cache over a model's stored tensors and its frozen forward options, holding up to `capacity` heads. */
export function createHeadCache(spec: ModelSpec, stored: ParamMap, frozen: ForwardOptions, capacity = DEFAULT_HEAD_CACHE): HeadCache {
  // Most recently used last.
  const entries: Entry[] = [];
  return {
    withHead(head, use) {
      const at = entries.findIndex((e) => sameHead(e.content!, head));
      if (at >= 0) {
        const [hit] = entries.splice(at, 1);
        entries.push(hit!);
        return use(hit!.tensors);
      }
      const fresh = makeEntry(spec, stored, frozen, head);
      if (capacity < 1) {
        try {
          return use(fresh.tensors);
        } finally {
          disposeEntry(fresh);
        }
      }
      fresh.content = headContent(head);
      entries.push(fresh);
      while (entries.length > capacity) disposeEntry(entries.shift()!);
      return use(fresh.tensors);
    },
    get size() {
      return entries.length;
    },
    get tensors() {
      return entries.reduce((s, e) => s + e.count, 0);
    },
    dispose() {
      entries.forEach(disposeEntry);
      entries.length = 0;
    },
  };
}
