import fc from 'fast-check';
import { KEYS, support } from './harness';

/** One generated request that must be refused with a 4xx problem+json and change nothing. */
export interface BadRequest {
  kind: string;
  method: string;
  path: string;
  /** undefined = the fuzz tenant's key, null = no Authorization header. */
  key?: string | null;
  headers?: Record<string, string>;
  body?: string;
  /** A body of this many bytes sent as a stream of unknown length (no content-length). */
  streamBytes?: number;
  /** DELETE of a user that does not exist is a successful no-op: 204 is allowed too. */
  mayBeNoContent?: boolean;
}

/** What the generators may point at: an existing head and user of the fuzz tenant. */
export interface FuzzContext {
  headId: string;
  user: string;
  models: string[];
}

const SENTINEL = '"__FUZZ_SENTINEL__"';
type Json = Record<string, unknown>;

const validAdapt = fc
  .record({ seed: fc.integer({ min: 1, max: 1_000_000 }), ways: fc.integer({ min: 2, max: 4 }), shots: fc.integer({ min: 1, max: 3 }) })
  .map(({ seed, ways, shots }) => {
    const s = support(ways, shots, seed);
    return { user: `fz-${seed}`, support: { inputs: s.inputs, labels: s.labels } } as Json;
  });

const validPredict = (ctx: FuzzContext) =>
  fc.integer({ min: 1, max: 1_000_000 }).map((seed) => ({ headId: ctx.headId, inputs: support(2, 1, seed).inputs }) as Json);

const adapt = (body: string, kind: string): BadRequest => ({ kind, method: 'POST', path: '/v1/models/tiny/adapt', body });
const predict = (body: string, kind: string): BadRequest => ({ kind, method: 'POST', path: '/v1/models/tiny/predict', body });

/** Sets `value` at a dotted path of a deep copy (numbers index arrays). */
function setAt(obj: Json, path: (string | number)[], value: unknown): Json {
  const copy = structuredClone(obj);
  let at: Record<string | number, unknown> = copy;
  for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
  return copy;
}

/** JSON text with `token` (not itself JSON-serializable, e.g. 1e999) at a path. */
const withToken = (obj: Json, path: (string | number)[], token: string) => JSON.stringify(setAt(obj, path, '__FUZZ_SENTINEL__')).replace(SENTINEL, token);

// ---- malformed JSON --------------------------------------------------------------------------

const BAD_TOKENS = ['NaN', 'Infinity', '-Infinity', 'undefined', "'x'", '0x10', '01', '.5', '1.', '+1', '[1,]', '{"a":1,}', '1 2', 'tru', 'nul', '"\u0001"', '/*c*/1'];

const malformedJson: fc.Arbitrary<BadRequest> = fc.oneof(
  fc.tuple(validAdapt, fc.double({ min: 0, max: 1, noNaN: true })).map(([b, r]) => {
    const text = JSON.stringify(b);
    return adapt(text.slice(0, Math.floor(r * (text.length - 1))), 'json-prefix');
  }),
  fc.tuple(validAdapt, fc.constantFrom(...BAD_TOKENS), fc.nat()).map(([b, tok, i]) => {
    const inputs = (b.support as { inputs: number[][] }).inputs;
    return adapt(withToken(b, ['support', 'inputs', i % inputs.length, i % 16], tok), 'json-bad-token');
  }),
  validAdapt.map((b) => adapt(JSON.stringify(b) + JSON.stringify(b), 'json-two-documents')),
  // "__proto__" parses as an own key: a valid body hidden under it must not leak onto the request.
  validAdapt.map((b) => adapt(`{"__proto__":${JSON.stringify(b)},"constructor":{"prototype":${JSON.stringify(b)}}}`, 'json-proto-keys')),
  validAdapt.map((b) => adapt(JSON.stringify(b).replace(/"/g, "'"), 'json-single-quotes')),
  fc.string({ unit: 'binary', maxLength: 200 }).filter(notJson).map((s) => adapt(s, 'json-random-text')),
  fc.uint8Array({ maxLength: 300 }).map((u) => String.fromCharCode(...u)).filter(notJson).map((s) => adapt(s, 'json-random-bytes')),
);

function notJson(s: string): boolean {
  try {
    JSON.parse(s);
    return false;
  } catch {
    return true;
  }
}

// ---- wrong types ---------------------------------------------------------------------------------

const WRONG: Array<[(string | number)[], unknown[]]> = [
  [['user'], [5, null, true, {}, [], ['u'], '']],
  [['support'], [null, [], 'x', 1, { inputs: [] }]],
  [['support', 'inputs'], [{}, 'x', [], [[]], [['1']], [[null]], [[true]], [[{}]], [1, 2], null]],
  [['support', 'labels'], [[], [null], [{}], [[1]], [true], 'a', null, {}]],
  [['steps'], ['3', -1, 1.5, null, true, [], {}, 1e12 + 0.5]],
  [['lr'], [0, -1, -0, '0.1', null, true, [], {}]],
];

const wrongTypes: fc.Arbitrary<BadRequest> = fc.oneof(
  fc.tuple(validAdapt, fc.constantFrom(...WRONG), fc.nat()).map(([b, [path, values], i]) => adapt(JSON.stringify(setAt(b, path, values[i % values.length])), `type-${path.join('.')}`)),
  fc.constantFrom('[]', 'null', '1', '"x"', 'true', '[{"user":"u"}]', '{}').map((t) => adapt(t, 'type-top-level')),
  fc.tuple(validPredict({ headId: '0'.repeat(64), user: '', models: [] }), fc.constantFrom<[string, unknown]>(['inputs', []], ['inputs', [[]]], ['inputs', 'x'], ['inputs', [['a']]], ['headId', 5], ['user', 7], ['support', 'x'], ['steps', 'x'])).map(([b, [k, v]]) =>
    predict(JSON.stringify({ ...b, [k]: v }), `type-predict-${k}`),
  ),
  fc.constantFrom('{"inputs":[[0]]}', '{"inputs":[[0]],"user":null}', '{"user":"u"}').map((t) => predict(t, 'type-predict-no-head')),
);

// ---- dimensions -------------------------------------------------------------------------------

const wrongLength = fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 17, max: 400 }), fc.constantFrom(65_536, 65_537, 70_000));

const dims = (ctx: FuzzContext): fc.Arbitrary<BadRequest> =>
  fc.oneof(
    fc.tuple(validAdapt, wrongLength, fc.nat()).map(([b, n, i]) => {
      const inputs = (b.support as { inputs: number[][] }).inputs;
      return adapt(JSON.stringify(setAt(b, ['support', 'inputs', i % inputs.length], Array(n).fill(0))), 'dims-one-row');
    }),
    fc.tuple(validAdapt, wrongLength).map(([b, n]) => {
      const inputs = (b.support as { inputs: number[][] }).inputs.map(() => Array(n).fill(0.5));
      return adapt(JSON.stringify(setAt(b, ['support', 'inputs'], inputs)), 'dims-all-rows');
    }),
    fc.tuple(validPredict(ctx), wrongLength).map(([b, n]) => predict(JSON.stringify({ ...b, inputs: [Array(n).fill(1)] }), 'dims-predict')),
    fc.tuple(validAdapt, fc.constantFrom([[[1]]], [[[0, 1]], [[2, 3]]])).map(([b, deep]) => adapt(JSON.stringify(setAt(b, ['support', 'inputs'], deep)), 'dims-nested')),
    fc.integer({ min: 501, max: 1_500 }).map((n) => {
      const s = support(2, 1, n);
      const inputs = Array.from({ length: n }, (_, i) => s.inputs[i % 2]);
      const labels = Array.from({ length: n }, (_, i) => `c${i % 2}`);
      return adapt(JSON.stringify({ user: 'u', support: { inputs, labels } }), 'dims-too-many-examples');
    }),
    fc.integer({ min: 257, max: 1_000 }).map((n) => predict(JSON.stringify({ headId: ctx.headId, inputs: Array.from({ length: n }, () => Array(16).fill(0)) }), 'dims-too-many-inputs')),
  );

// ---- non-finite numbers -----------------------------------------------------------------------

const HUGE = ['1e999', '-1e999', '1e309', '-2e308', '123456789e301'];

const nonFinite = (ctx: FuzzContext): fc.Arbitrary<BadRequest> =>
  fc.oneof(
    fc.tuple(validAdapt, fc.constantFrom(...HUGE), fc.nat(), fc.nat()).map(([b, tok, i, j]) => {
      const inputs = (b.support as { inputs: number[][] }).inputs;
      return adapt(withToken(b, ['support', 'inputs', i % inputs.length, j % 16], tok), 'nonfinite-input');
    }),
    fc.tuple(validPredict(ctx), fc.constantFrom(...HUGE), fc.nat()).map(([b, tok, j]) => predict(withToken(b, ['inputs', 0, j % 16], tok), 'nonfinite-predict')),
    fc.tuple(validAdapt, fc.constantFrom(...HUGE, '-0', '0', '-1e-400', '1e-400', '-0.0')).map(([b, tok]) => adapt(withToken(b, ['lr'], tok), 'nonfinite-lr')),
    fc.tuple(validAdapt, fc.constantFrom(...HUGE, '-1', '0.5', '1e400')).map(([b, tok]) => adapt(withToken(b, ['steps'], tok), 'nonfinite-steps')),
    fc.tuple(validAdapt, fc.constantFrom(...HUGE)).map(([b, tok]) => {
      const n = (b.support as { labels: unknown[] }).labels.length;
      const numeric = setAt(b, ['support', 'labels'], Array.from({ length: n }, (_, i) => i % 2));
      return adapt(withToken(numeric, ['support', 'labels', 0], tok), 'nonfinite-label');
    }),
  );

// ---- labels -------------------------------------------------------------------------------------

const labels: fc.Arbitrary<BadRequest> = fc.oneof(
  fc.tuple(validAdapt, fc.nat()).map(([b, i]) => {
    const ls = (b.support as { labels: unknown[] }).labels;
    return adapt(JSON.stringify(setAt(b, ['support', 'labels', i % ls.length], '')), 'labels-empty');
  }),
  fc.tuple(validAdapt, fc.integer({ min: 65, max: 300 })).map(([b, n]) => adapt(JSON.stringify(setAt(b, ['support', 'labels', 0], 'L'.repeat(n))), 'labels-too-long')),
  fc.tuple(validAdapt, fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.integer())).map(([b, l]) => {
    const n = (b.support as { labels: unknown[] }).labels.length;
    return adapt(JSON.stringify(setAt(b, ['support', 'labels'], Array(n).fill(l))), 'labels-one-class');
  }),
  fc.tuple(validAdapt, fc.integer({ min: 0, max: 99 })).map(([b, k]) => {
    const n = (b.support as { labels: unknown[] }).labels.length;
    // The same-looking label as a string and as a number: two kinds, which a head cannot mix.
    return adapt(JSON.stringify(setAt(b, ['support', 'labels'], Array.from({ length: n }, (_, i) => (i % 2 ? k : String(k))))), 'labels-mixed-kinds');
  }),
  fc.tuple(validAdapt, fc.boolean()).map(([b, add]) => {
    const ls = (b.support as { labels: unknown[] }).labels;
    return adapt(JSON.stringify(setAt(b, ['support', 'labels'], add ? [...ls, ls[0]] : ls.slice(1))), 'labels-count-mismatch');
  }),
  fc.integer({ min: 51, max: 3_000 }).map((n) => {
    const s = support(2, 1, n);
    const inputs = Array.from({ length: n }, (_, i) => s.inputs[i % 2]);
    return adapt(JSON.stringify({ user: 'u', support: { inputs, labels: Array.from({ length: n }, (_, i) => `class-${i}`) } }), 'labels-thousands-of-classes');
  }),
);

// ---- huge bodies --------------------------------------------------------------------------------

const hugeBody: fc.Arbitrary<BadRequest> = fc.record({ bytes: fc.integer({ min: 2_000_001, max: 2_600_000 }), stream: fc.boolean() }).map(({ bytes, stream }) =>
  stream ? { kind: 'huge-stream', method: 'POST', path: '/v1/models/tiny/adapt', streamBytes: bytes } : adapt(hugeJson(bytes), 'huge-body'),
);

/** A syntactically valid adapt body of exactly `bytes` bytes (zeros padding one input row). */
export function hugeJson(bytes: number): string {
  const head = '{"user":"u","support":{"labels":["a","b"],"inputs":[[';
  const tail = '0]]}}';
  const fill = Math.max(0, bytes - head.length - tail.length);
  return head + '0,'.repeat(Math.floor(fill / 2)) + ' '.repeat(fill % 2) + tail;
}

// ---- auth ---------------------------------------------------------------------------------------

const VALID_KEYS: string[] = Object.values(KEYS);
// Printable ASCII: workerd re-encodes other header bytes as UTF-8 (with a warning), which no real client sends.
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });

const authHeader: fc.Arbitrary<string | null> = fc.oneof(
  fc.constant(null),
  fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic bG9jYWw6ZGV2', 'Token local-dev-key', 'bearer local-dev-key', 'BEARER key-fuzz', 'Bearer  key-fuzz', 'Bearer key-fuzz extra', 'Bearer LOCAL-DEV-KEY', 'Bearer key-fuz', 'Bearer key-fuzzz', 'Bearer ' + 'k'.repeat(513), 'Bearer ' + 'k'.repeat(5_000), 'Bearer ed5a18fb8f807f996d649e379d3f35f39c543a91bdbf88c492f2ebd10d4df86c'),
  fc.constantFrom(...VALID_KEYS).chain((k) => fc.tuple(headerText, headerText).map(([a, b]) => `Bearer ${a}${k}${b}`)),
  headerText.map((t) => `Bearer ${t}`),
  headerText,
);

/** How fetch would send the header: leading/trailing whitespace is trimmed, so the trimmed text is what counts. */
const normalises = (h: string) => h.replace(/^[\t ]+|[\t ]+$/g, '');

const auth: fc.Arbitrary<BadRequest> = fc
  .tuple(authHeader, validAdapt, fc.constantFrom('adapt', 'models', 'delete'))
  .filter(([h]) => h === null || !VALID_KEYS.some((k) => normalises(h) === `Bearer ${k}`))
  .map(([h, b, route]) => {
    const base: BadRequest =
      route === 'adapt'
        ? adapt(JSON.stringify(b), 'auth-adapt')
        : route === 'models'
          ? { kind: 'auth-models', method: 'GET', path: '/v1/models' }
          : { kind: 'auth-delete', method: 'DELETE', path: '/v1/models/tiny/users/fuzz-base-user' };
    return h === null ? { ...base, key: null } : { ...base, headers: { authorization: h } };
  });

// ---- path tricks --------------------------------------------------------------------------------

const TRICKS = ['..', '.', '%2e%2e', '%2E%2E%2F', '..%2F..%2F', '%2F', '%5C', '%00', '%', '%zz', '%e2%80', ':', 'tiny:alpha', 'v1:head:alpha', 'TINY', 'Tiny', 'tiny%20', ' tiny', 'tïny', '模型', '🙂', 'tiny;x=1', 'tiny%3Bx', '-tiny', 'tiny..', 'a'.repeat(65), 'b'.repeat(2_000), '%ff%fe', 'con', 'nul', '*', '$', '~', '%252e%252e'];
const segment = fc.oneof(
  fc.constantFrom(...TRICKS),
  fc.array(fc.constantFrom(...TRICKS, 'tiny', 'x'), { minLength: 2, maxLength: 4 }).map((a) => a.join('')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(s)),
  fc.integer({ min: 129, max: 1_500 }).map((n) => 'u'.repeat(n)),
);

/** The model (or user) a path would reach after URL normalisation and percent-decoding, if any (a trailing slash is the same route). */
export function routedSegment(path: string, pattern: RegExp): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(`http://api.test${path}`).pathname;
  } catch {
    return undefined;
  }
  const m = pattern.exec(pathname);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1];
  }
}

const pathTricks = (ctx: FuzzContext): fc.Arbitrary<BadRequest> =>
  fc.oneof(
    fc.tuple(segment, validAdapt)
      .map(([seg, b]) => ({ ...adapt(JSON.stringify(b), 'path-model-adapt'), path: `/v1/models/${seg}/adapt` }))
      .filter((r) => !ctx.models.includes(routedSegment(r.path, /^\/v1\/models\/([^/]+)\/adapt\/?$/) ?? '')),
    fc.tuple(segment, validPredict(ctx))
      .map(([seg, b]) => ({ ...predict(JSON.stringify(b), 'path-model-predict'), path: `/v1/models/${seg}/predict` }))
      .filter((r) => !ctx.models.includes(routedSegment(r.path, /^\/v1\/models\/([^/]+)\/predict\/?$/) ?? '')),
    segment
      .map((seg): BadRequest => ({ kind: 'path-model-get', method: 'GET', path: `/v1/models/${seg}` }))
      .filter((r) => !ctx.models.includes(routedSegment(r.path, /^\/v1\/models\/([^/]+)\/?$/) ?? '') && routedSegment(r.path, /^\/v1\/(models)\/?$/) === undefined),
    fc.tuple(segment, fc.constantFrom('tiny', 'nope'))
      .map(([seg, model]): BadRequest => ({ kind: 'path-user-delete', method: 'DELETE', path: `/v1/models/${model}/users/${seg}`, mayBeNoContent: true }))
      .filter((r) => routedSegment(r.path, /^\/v1\/models\/[^/]+\/users\/([^/]+)\/?$/) !== ctx.user),
    fc.tuple(fc.oneof(segment, fc.string({ minLength: 1, maxLength: 200 })), validPredict(ctx))
      .filter(([u]) => u !== ctx.user)
      .map(([user, b]) => predict(JSON.stringify({ user, inputs: b.inputs }), 'path-user-predict')),
    fc.tuple(fc.oneof(segment, fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 63, maxLength: 65 }), fc.stringMatching(/^[0-9A-F]{64}$/), fc.stringMatching(/^[0-9a-f]{64}$/)), validPredict(ctx))
      .filter(([id]) => id !== ctx.headId)
      .map(([headId, b]) => predict(JSON.stringify({ headId, inputs: b.inputs }), 'path-headid-predict')),
  );

// ---- methods and content types ------------------------------------------------------------------

const protocol: fc.Arbitrary<BadRequest> = fc.oneof(
  fc.tuple(fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE'), fc.constantFrom('/v1/models/tiny/adapt', '/v1/models/tiny/predict')).map(([method, path]): BadRequest => ({ kind: 'method', method, path })),
  fc.tuple(fc.constantFrom('POST', 'PUT', 'PATCH'), fc.constantFrom('/v1/models', '/v1/models/tiny', '/v1/models/tiny/users/x', '/v1', '/v1/')).map(([method, path]): BadRequest => ({ kind: 'method', method, path, body: '{}' })),
  fc.tuple(validAdapt, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '')).map(([b, ct]) => ({ ...adapt(JSON.stringify(b), 'content-type'), headers: { 'content-type': ct } })),
);

/** Every kind of bad request, weighted so the cheap ones dominate and the huge ones still appear. */
export function badRequest(ctx: FuzzContext): fc.Arbitrary<BadRequest> {
  return fc.oneof(
    { arbitrary: malformedJson, weight: 6 },
    { arbitrary: wrongTypes, weight: 6 },
    { arbitrary: dims(ctx), weight: 4 },
    { arbitrary: nonFinite(ctx), weight: 4 },
    { arbitrary: labels, weight: 4 },
    { arbitrary: hugeBody, weight: 1 },
    { arbitrary: auth, weight: 5 },
    { arbitrary: pathTricks(ctx), weight: 6 },
    { arbitrary: protocol, weight: 2 },
  );
}
