import fc from 'fast-check';

/** A named way of damaging bytes, so failures and tallies say what was done. */
export interface Mutation {
  kind: string;
  bytes: Uint8Array;
}

const flipBits = (base: Uint8Array, flips: [number, number][]) => {
  const out = base.slice();
  for (const [at, bit] of flips) out[at % out.length]! ^= 1 << bit;
  return out;
};

/**
 * Byte-level damage of a valid encoding: bit flips, truncation, extension, overwritten windows,
 * random bytes (some behind the right magic). `limit` confines damage to the first `limit` bytes.
 */
export function byteMutations(base: Uint8Array, magicLength: number, limit = base.length): fc.Arbitrary<Mutation> {
  const at = fc.nat(limit - 1);
  return fc.oneof(
    fc.array(fc.tuple(at, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 16 }).map((f) => ({ kind: 'bit-flips', bytes: flipBits(base, f) })),
    fc.nat(base.length - 1).map((n) => ({ kind: 'truncate', bytes: base.slice(0, n) })),
    fc.uint8Array({ minLength: 1, maxLength: 256 }).map((tail) => ({ kind: 'extend', bytes: concat(base, tail) })),
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([i, w]) => {
      const out = base.slice();
      out.set(w.subarray(0, Math.max(0, limit - i)), i);
      return { kind: 'overwrite-window', bytes: out };
    }),
    fc.tuple(at, fc.nat(64)).map(([i, n]) => ({ kind: 'delete-window', bytes: concat(base.subarray(0, i), base.subarray(Math.min(base.length, i + n + 1))) })),
    fc.uint8Array({ maxLength: 4_096 }).map((r) => ({ kind: 'random-bytes', bytes: r })),
    fc.uint8Array({ maxLength: 4_096 }).map((r) => ({ kind: 'magic-then-random', bytes: concat(base.subarray(0, magicLength), r) })),
    fc.constantFrom(0xff, 0x00).map((v) => ({ kind: 'all-one-value', bytes: new Uint8Array(base.length).fill(v) })),
  );
}

/** Damage confined to the checked region, then the trailing SHA-256 recomputed: reaches the parsers behind the checksum. */
export function resealed(base: Uint8Array, digestBytes: number, magicLength: number): fc.Arbitrary<Promise<Mutation>> {
  const body = base.length - digestBytes;
  return fc
    .oneof(
      fc.array(fc.tuple(fc.nat(body - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((f) => ({ kind: 'resealed-bit-flips', bytes: flipBits(base.subarray(0, body), f) })),
      fc.tuple(fc.nat(body - 1), fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([i, w]) => {
        const out = base.slice(0, body);
        out.set(w.subarray(0, body - i), i);
        return { kind: 'resealed-window', bytes: out };
      }),
      fc.nat(body - 1).map((n) => ({ kind: 'resealed-truncate', bytes: base.slice(0, Math.max(magicLength, n)) })),
      fc.uint8Array({ minLength: 1, maxLength: 128 }).map((t) => ({ kind: 'resealed-extend', bytes: concat(base.subarray(0, body), t) })),
    )
    .map(async (m) => ({ kind: m.kind, bytes: await seal(m.bytes) }));
}

/** Appends the SHA-256 of `body`, as both formats end. */
export async function seal(body: Uint8Array): Promise<Uint8Array> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body as BufferSource));
  return concat(body, digest);
}

/** Replaces JSON values at random paths: wrong types, huge/negative/fractional numbers, deletions, additions. */
export function jsonMutation(): fc.Arbitrary<(doc: unknown) => unknown> {
  const replacement = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(-1, 0, 1, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, 1e308, -1e308, '', 'x'.repeat(300), null, [], {}, [-1], [0], [2 ** 31, 2 ** 31], 'f16', 'int8', 'f64', 'ways'),
  );
  const edit = fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.oneof(replacement.map((v) => ({ set: v })), fc.constant({ remove: true }), fc.integer({ min: -3, max: 3 }).map((d) => ({ nudge: d }))));
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => (doc: unknown) => {
    const copy = structuredClone(doc);
    for (const [path, op] of edits) applyEdit(copy, path, op);
    return copy;
  });
}

type Edit = { set: unknown } | { remove: true } | { nudge: number };

function applyEdit(doc: unknown, path: number[], op: Edit): void {
  let node = doc as Record<string, unknown> | unknown[];
  for (let depth = 0; depth < path.length; depth++) {
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) return;
    const k = keys[path[depth]! % keys.length]!;
    const child = (node as Record<string | number, unknown>)[k];
    const last = depth === path.length - 1 || child === null || typeof child !== 'object';
    if (!last) {
      node = child as Record<string, unknown>;
      continue;
    }
    const target = node as Record<string | number, unknown>;
    if ('remove' in op) {
      if (Array.isArray(node)) node.splice(k as number, 1);
      else delete target[k];
    } else if ('nudge' in op) target[k] = typeof child === 'number' ? child + op.nudge : op.nudge;
    else target[k] = structuredClone(op.set); // constants are shared objects: never alias them into the document
    return;
  }
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
