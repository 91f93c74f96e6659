import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleError } from '../../src/bundle/index';
import { readStateDict } from '../../src/bundle/state-dict';
import { stateDictPickle, storageRef, tensorOp, torchZip } from '../bundle/pickle-craft';
import { byteMutations } from './mutations';
import type { Mutation } from './mutations';
import { HOSTILE, join, program, split, swapGlobal, viewArgs } from './torch-mutations';
import { DecodeWatchdog } from './watchdog';

// `npm test` runs a seeded subset; `npm run test:fuzz` sets FUZZ_RUNS (total reads over the five properties).
const TOTAL = Number(process.env.FUZZ_RUNS) > 0 ? Number(process.env.FUZZ_RUNS) : 2_500;
const RUNS = Math.ceil(TOTAL / 5);
const SEED = Number(process.env.FUZZ_SEED) > 0 ? Number(process.env.FUZZ_SEED) : 20_260_524;
// A healthy read of these few-KB files takes about a millisecond; only a hang gets near this.
const BOUND_MS = 5_000;

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/torch/${name}`, import.meta.url)));
/** Checkpoints as torch.save wrote them (scripts/torch/make-fixture.py): zip and legacy, F32/F16/BF16/F64/I64, views, a nested checkpoint. */
const FILES = [
  { name: 'cnn4.pth', bytes: fixture('cnn4.pth') },
  { name: 'mlp.pth', bytes: fixture('mlp.pth') },
  { name: 'views.pth', bytes: fixture('views.pth') },
  { name: 'cnn4-legacy.pt', bytes: fixture('cnn4-legacy.pt') },
  { name: 'cnn4-train.pt', bytes: fixture('cnn4-train.pt'), key: 'state_dict' },
];
const ZIPS = FILES.filter((f) => f.name.endsWith('.pth') || f.key).map((f) => ({ ...f, parts: split(f.bytes) }));

describe('PyTorch checkpoint reader fuzzing (zip, pickle, storages)', () => {
  let dog: DecodeWatchdog;
  const tally = new Map<string, number>();
  const started = Date.now();

  beforeAll(async () => {
    dog = await DecodeWatchdog.start(BOUND_MS);
  });
  afterAll(async () => {
    await dog?.stop();
    console.log(JSON.stringify({ fuzz: 'torch-checkpoint', seed: SEED, runsPerProperty: RUNS, seconds: (Date.now() - started) / 1000, outcomes: Object.fromEntries([...tally].sort()) }));
  });

  /** Reads one input under the watchdog: a typed refusal or a whole, bounded state dict; never a hang or another exception. */
  async function judge(m: Mutation, key: string | undefined, mustBe?: string): Promise<void> {
    const r = await dog.decode('torch', m.bytes, key);
    const label = `${m.kind} (${m.bytes.length} bytes)`;
    expect(r.outcome, `${label}: read did not finish within ${BOUND_MS} ms`).not.toBe('hang');
    if (r.outcome === 'hang') return;
    expect(r.outcome, `${label}: ${r.detail ?? ''}`).not.toBe('untyped');
    expect(r.outcome, `${label}: ${r.detail ?? ''}`).not.toBe('inconsistent');
    if (mustBe) expect(r.code, label).toBe(mustBe);
    const k = `${m.kind.split(':')[0]} ${r.code}`;
    tally.set(k, (tally.get(k) ?? 0) + 1);
  }

  const check = async (p: fc.IAsyncProperty<[unknown]>, seed: number) => {
    const out = await fc.check(p, { seed, numRuns: RUNS });
    if (out.failed) throw new Error(`torch fuzz failed (seed ${seed}; replay with FUZZ_SEED=${SEED}):\n${fc.defaultReportMessage(out)}\n${out.errorInstance instanceof Error ? out.errorInstance.message : ''}`);
  };

  it('raw damage to whole files (bit flips, truncation, windows, random bytes behind the magic)', async () => {
    const arb = fc.constantFrom(...FILES).chain((f) => byteMutations(f.bytes, 4).map((m) => ({ f, m })));
    await check(fc.asyncProperty(arb, async ({ f, m }) => judge({ kind: `raw:${m.kind}`, bytes: m.bytes }, f.key)) as fc.IAsyncProperty<[unknown]>, SEED);
  });

  it('damaged pickles inside a valid zip (reaches the interpreter and the storage checks)', async () => {
    const arb = fc.constantFrom(...ZIPS).chain((z) => byteMutations(z.parts.pickle, 2).map((m) => ({ z, m })));
    await check(fc.asyncProperty(arb, async ({ z, m }) => judge({ kind: `pickle:${m.kind}`, bytes: join(z.parts, m.bytes) }, z.key)) as fc.IAsyncProperty<[unknown]>, SEED + 1);
  });

  it('a hostile global in place of any global of a real checkpoint is always refused by name', async () => {
    const targets = ['collections\nOrderedDict', 'torch._utils\n_rebuild_tensor_v2', 'torch\nFloatStorage', 'torch\nLongStorage'];
    const arb = fc.tuple(fc.constantFrom(...ZIPS), fc.constantFrom(...targets), fc.constantFrom(...HOSTILE));
    await check(
      fc.asyncProperty(arb, async ([z, target, [m, n]]) => {
        const pickle = swapGlobal(z.parts.pickle, target, m, n);
        if (!pickle) return; // this file has no such global (views.pth has no LongStorage)
        await judge({ kind: `hostile:${m}.${n}`, bytes: join(z.parts, pickle) }, z.key, 'BundleError:pickle_refused');
      }) as fc.IAsyncProperty<[unknown]>,
      SEED + 2,
    );
  });

  it('random programs of the allowed opcodes (and hostile globals among them) over a few storages', async () => {
    const storages = { 0: new Uint8Array(24), 1: new Uint8Array(Float32Array.from([1, -2, 3.5]).buffer) };
    await check(fc.asyncProperty(program, async (pkl) => judge({ kind: 'program', bytes: torchZip(pkl, storages) }, undefined)) as fc.IAsyncProperty<[unknown]>, SEED + 3);
  });

  it('storage views with arbitrary offsets, sizes, strides and declared sizes: refused, or exactly the elements PyTorch would read', async () => {
    await check(
      fc.asyncProperty(viewArgs, async (a) => {
        const t0 = Date.now();
        const bytes = new Uint8Array(a.bytes);
        for (let i = 0; i + 4 <= bytes.length; i += 4) new DataView(bytes.buffer).setFloat32(i, i / 4 + 0.5, true);
        const file = torchZip(stateDictPickle([['w', tensorOp(storageRef('0', a.numel, a.dtype), a.offset, a.size, a.stride)]]), { 0: bytes });
        let values: Float32Array | undefined;
        let code: string;
        try {
          values = readStateDict(file).tensors.get('w')!.read();
          code = 'read';
        } catch (e) {
          if (!(e instanceof BundleError)) throw e;
          code = e.code;
        }
        expect(Date.now() - t0).toBeLessThan(BOUND_MS);
        tally.set(`view ${code}`, (tally.get(`view ${code}`) ?? 0) + 1);
        if (!values || a.dtype !== 'FloatStorage') return;
        // Accepted: the values are what as_strided(size, stride, offset) reads from the storage.
        const view = new DataView(bytes.buffer);
        const want: number[] = [];
        const walk = (d: number, at: number): void => {
          if (d === a.size.length) return void want.push(view.getFloat32(4 * at, true));
          for (let i = 0; i < a.size[d]!; i++) walk(d + 1, at + i * a.stride[d]!);
        };
        // An empty view (a zero among the sizes) reads nothing, however large the other sizes are.
        if (!a.size.includes(0)) walk(0, a.offset);
        expect([...values]).toEqual(want);
      }) as fc.IAsyncProperty<[unknown]>,
      SEED + 4,
    );
  });
});
