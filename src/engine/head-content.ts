import type { Head } from '../head/head';

/**
 * A head's content held aside: everything its encoding (and so its id, the SHA-256 of those bytes)
 * depends on, with each param's values copied. Copied, not referenced: a caller may reuse or
 * change a head's arrays in place after a predict, and a cached entry must still describe what it
 * was made from.
 */
export interface HeadContent {
  /** modelId, task, scope, labels (kinds kept: 1 ≠ "1") and shots, as one string. */
  meta: string;
  params: Map<string, { shape: number[]; bits: Uint32Array }>;
  /** Floats held (what a cache bounds). */
  floats: number;
}

const metaOf = (head: Head): string => JSON.stringify([head.modelId, head.task, head.scope, head.labels, head.shots ?? null]);

/** The raw bits of a float32 array: exact comparison, so -0 ≠ 0 and equal NaN payloads match. */
const bitsOf = (data: Float32Array): Uint32Array => new Uint32Array(data.buffer, data.byteOffset, data.length);

/** Copies what identifies `head`. */
export function headContent(head: Head): HeadContent {
  const params = new Map<string, { shape: number[]; bits: Uint32Array }>();
  let floats = 0;
  for (const [name, t] of Object.entries(head.params)) {
    params.set(name, { shape: [...t.shape], bits: bitsOf(t.data).slice() });
    floats += t.data.length;
  }
  return { meta: metaOf(head), params, floats };
}

/**
 * True when `head` is the head `content` was taken from, value for value: the same meta, the same
 * param names and shapes, every float's bits equal. Two heads that differ in one bit of one value
 * (so in their ids) are never the same here. Param order is not compared: it changes the bytes but
 * not one tensor made from them.
 */
export function sameHead(content: HeadContent, head: Head): boolean {
  const entries = Object.entries(head.params);
  if (entries.length !== content.params.size || metaOf(head) !== content.meta) return false;
  for (const [name, t] of entries) {
    const held = content.params.get(name);
    if (!held || held.shape.length !== t.shape.length || held.shape.some((d, i) => d !== t.shape[i])) return false;
    const bits = bitsOf(t.data);
    if (bits.length !== held.bits.length) return false;
    for (let i = 0; i < bits.length; i++) if (bits[i] !== held.bits[i]) return false;
  }
  return true;
}
