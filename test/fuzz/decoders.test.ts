import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHead } from '../../src/head/index';
import { createRng } from '../../src/util/random';
import { craft, unpack } from '../bundle/craft';
import { DecodeWatchdog } from './watchdog';
import { byteMutations, concat, jsonMutation, resealed, seal } from './mutations';
import type { Head } from '../../src/head/index';
import type { Mutation } from './mutations';

// `npm test` runs a seeded subset; `npm run test:fuzz` sets FUZZ_RUNS (total decodes over the six properties).
const TOTAL = Number(process.env.FUZZ_RUNS) > 0 ? Number(process.env.FUZZ_RUNS) : 3_000;
const RUNS = Math.ceil(TOTAL / 6);
const SEED = Number(process.env.FUZZ_SEED) > 0 ? Number(process.env.FUZZ_SEED) : 20_260_502;
// Generous: a healthy decode of these few-KB inputs takes well under a millisecond; only a hang gets near this.
const BOUND_MS = 5_000;

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const BUNDLES = ['tiny.fsb', 'tiny-sine.fsb', 'tiny-int8.fsb'].map((n) => ({ name: n, bytes: fixture(n) }));

function sampleHead(task: 'classification' | 'regression', seed: number): Head {
  const rng = createRng(seed);
  const f = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  return task === 'classification'
    ? { modelId: 'a'.repeat(64), task, labels: ['cat', 7, 'Ünï ✓'], scope: 'head', params: { 'head/out/kernel': { shape: [5, 3], data: f(15) }, 'head/out/bias': { shape: [3], data: f(3) } } }
    : { modelId: 'b'.repeat(64), task, labels: [], scope: 'all', params: { 'body/fc1/kernel': { shape: [1, 4], data: f(4) }, 'body/fc1/bias': { shape: [4], data: f(4) }, 'head/out/kernel': { shape: [4, 1], data: f(4) }, 'head/out/bias': { shape: [1], data: f(1) } } };
}

/** Head bytes with an arbitrary meta document (the codec's frame, resealed). */
async function frameHead(meta: unknown, payload: Uint8Array): Promise<Uint8Array> {
  const text = new TextEncoder().encode(JSON.stringify(meta) ?? 'null');
  const at = Math.ceil((12 + text.length) / 16) * 16;
  const out = new Uint8Array(at + payload.length);
  out.set([0x46, 0x53, 0x48, 0x44]);
  const view = new DataView(out.buffer);
  view.setUint16(4, 1, true);
  view.setUint32(8, text.length, true);
  out.set(text, 12);
  out.set(payload, at);
  return seal(out);
}

function splitHead(bytes: Uint8Array): { meta: unknown; payload: Uint8Array } {
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const at = Math.ceil((12 + len) / 16) * 16;
  return { meta: JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len))), payload: bytes.slice(at, bytes.length - 32) };
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe('decoder fuzzing: bundles and heads', () => {
  let dog: DecodeWatchdog;
  const tally = new Map<string, number>();
  let heads: { name: string; bytes: Uint8Array }[];

  beforeAll(async () => {
    dog = await DecodeWatchdog.start(BOUND_MS);
    heads = [
      { name: 'classification', bytes: await encodeHead(sampleHead('classification', 1)) },
      { name: 'regression', bytes: await encodeHead(sampleHead('regression', 2)) },
    ];
  });
  afterAll(async () => {
    await dog?.stop();
    console.log(JSON.stringify({ fuzz: 'decoders', seed: SEED, runsPerProperty: RUNS, outcomes: Object.fromEntries([...tally].sort()) }));
  });

  /** Decodes one mutation under the watchdog; damaged input must be refused with a typed error, resealed input may decode but only whole. */
  async function judge(kind: 'bundle' | 'head', m: Mutation, original: Uint8Array, mustRefuse: boolean): Promise<void> {
    const r = await dog.decode(kind, m.bytes);
    const label = `${kind} ${m.kind} (${m.bytes.length} bytes)`;
    expect(r.outcome, `${label}: decode did not finish within ${BOUND_MS} ms`).not.toBe('hang');
    if (r.outcome === 'hang') return;
    expect(r.outcome, `${label}: ${r.detail ?? ''}`).not.toBe('untyped');
    expect(r.outcome, `${label}: ${r.detail ?? ''}`).not.toBe('inconsistent');
    if (mustRefuse && !same(m.bytes, original)) expect(r.outcome, `${label} decoded although damaged`).toBe('typed');
    const key = `${kind} ${r.outcome === 'typed' ? r.code : 'decoded-whole'}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }

  const check = async (p: fc.IAsyncProperty<[unknown]> | fc.IAsyncProperty<[unknown, unknown]>, seed: number) => {
    const out = await fc.check(p as fc.IAsyncProperty<[unknown]>, { seed, numRuns: RUNS });
    if (out.failed) throw new Error(`decoder fuzz failed (seed ${seed}; replay with FUZZ_SEED=${SEED}):\n${fc.defaultReportMessage(out)}\n${out.errorInstance instanceof Error ? out.errorInstance.message : ''}`);
  };

  it(`bundles, raw damage (bit flips, truncation, extension, windows, random bytes): always a typed BundleError`, async () => {
    const arb = fc.constantFrom(...BUNDLES).chain((b) => byteMutations(b.bytes, 8).map((m) => ({ b, m })));
    await check(fc.asyncProperty(arb, async ({ b, m }) => judge('bundle', m, b.bytes, true)), SEED);
  });

  it('bundles, damage behind a recomputed checksum: a typed error, or a whole model the engine accepts or refuses whole', async () => {
    const arb = fc.constantFrom(...BUNDLES).chain((b) => resealed(b.bytes, 32, 8).map((m) => ({ b, m })));
    await check(fc.asyncProperty(arb, async ({ b, m }) => judge('bundle', await m, b.bytes, false)), SEED + 1);
  });

  it('bundles, mutated header JSON (types, shapes, offsets, dtypes, removals) with a valid frame: same', async () => {
    const arb = fc.tuple(fc.constantFrom(...BUNDLES), jsonMutation());
    await check(
      fc.asyncProperty(arb, async ([b, mutate]) => {
        const { header, payload } = unpack(b.bytes);
        const bytes = await craft(JSON.stringify(mutate(header)) ?? 'null', payload);
        await judge('bundle', { kind: 'header-json', bytes }, b.bytes, false);
      }),
      SEED + 2,
    );
  });

  it('heads, raw damage: always a typed HeadError', async () => {
    const arb = fc.constantFrom(...heads).chain((h) => byteMutations(h.bytes, 4).map((m) => ({ h, m })));
    await check(fc.asyncProperty(arb, async ({ h, m }) => judge('head', m, h.bytes, true)), SEED + 3);
  });

  it('heads, damage behind a recomputed digest: a typed error or a complete head', async () => {
    const arb = fc.constantFrom(...heads).chain((h) => resealed(h.bytes, 32, 4).map((m) => ({ h, m })));
    await check(fc.asyncProperty(arb, async ({ h, m }) => judge('head', await m, h.bytes, false)), SEED + 4);
  });

  it('heads, mutated meta JSON (labels, task, scope, tensor shapes) with a valid digest: same', async () => {
    const arb = fc.tuple(fc.constantFrom(...heads), jsonMutation(), fc.uint8Array({ maxLength: 16 }), fc.boolean());
    await check(
      fc.asyncProperty(arb, async ([h, mutate, extra, grow]) => {
        const { meta, payload } = splitHead(h.bytes);
        const bytes = await frameHead(mutate(meta), grow ? concat(payload, extra) : payload);
        await judge('head', { kind: 'meta-json', bytes }, h.bytes, false);
      }),
      SEED + 5,
    );
  });
});
