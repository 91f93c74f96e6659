// Everything the suite measures inside one warm runtime (Node or a workerd isolate), side by side.
// Runtime-neutral: the caller brings up the backend and passes the bundles and the app.
import * as tf from '@tensorflow/tfjs-core';
import { decodeBundle } from '../../src/bundle/index';
import { adapt, createModel } from '../../src/engine/index';
import { lateBlockKernel, registerLateBlockKernel } from '../../src/engine/late-block-kernel';
import { benchFused } from '../fused';
import { benchLateBlock } from '../late-block';
import { benchAppRequests, timeAdaptMiss } from './app-requests';
import { benchCaseA, caseAModel } from './case-a';
import { benchCaseB } from './case-b';
import { benchCaseC } from './case-c';
import { benchDecode } from './decode';
import { benchExamplesAppend } from './examples-append';
import { benchFold } from './fold';
import { benchHeadCache } from './head-cache';
import { heapGrowth } from './heap';
import { benchRequestParts } from './request-parts';
import { clockResolutionMs } from './stats';
import type { FusedKernel } from '../../wasm/fused/kernel';
import type { FusedBenchResult } from '../fused';
import type { LateBlockBenchResult } from '../late-block';
import type { AppRequestsResult, FetchApp } from './app-requests';
import type { CaseAResult } from './case-a';
import type { CaseBInputs, CaseBResult } from './case-b';
import type { CaseCResult } from './case-c';
import type { DecodeResult } from './decode';
import type { ExamplesAppendResult } from './examples-append';
import type { FoldResult } from './fold';
import type { HeadCacheResult } from './head-cache';
import type { HeapResult } from './heap';
import type { RequestPartsResult } from './request-parts';
import type { Stats } from './stats';

export interface RuntimeEnv {
  runtime: 'node' | 'workerd';
  glyphs: Uint8Array;
  /** The previous default glyphs model (bundles/glyphs-v2.fsb, scope film), measured beside the current one. */
  glyphsPrevious?: Uint8Array;
  sine: Uint8Array;
  /** A fresh, unregistered fused kernel for the SIMD peak probe (undefined: skip it). */
  probeKernel?: FusedKernel;
  /** The production app with an in-memory KV, and the env its fetch needs. */
  app: FetchApp;
  appEnv: unknown;
  /** The app has an examples store (workerd: the Durable Object; Node: files): run the examples-append case. */
  examples?: boolean;
}

export interface RuntimeResult {
  runtime: string;
  backend: string;
  clock_resolution_ms: number;
  case_a: CaseAResult;
  /** bench/fused.ts: fused vs naive again, measured SIMD peak and the FLOP bound. */
  fused_probe?: Pick<FusedBenchResult, 'flops' | 'peak_gflops' | 'achieved_gflops' | 'time_over_flop_bound' | 'ratio_naive_over_fused'>;
  /** bench/late-block.ts: the fused late-block kernel vs the engine's tfjs autodiff steps, glyphs' last block. */
  late_block?: LateBlockBenchResult;
  case_b: CaseBResult;
  /** Case (b) on the previous default glyphs model, same inputs, same isolate. */
  case_b_previous?: CaseBResult;
  /** The default glyphs model's frozen forward folded vs layer by layer (bench/suite/fold.ts). */
  fold?: FoldResult;
  /** predict() of the default glyphs model with and without its head cache (bench/suite/head-cache.ts). */
  head_cache?: HeadCacheResult;
  case_c: CaseCResult;
  decode: DecodeResult;
  app: AppRequestsResult;
  /** The adapt request (cache miss) again right after `app`, with the late-block kernel unregistered: the steps on tfjs autodiff. */
  app_adapt_miss_autodiff_ms?: Stats;
  /** Append one example to a 24-example user vs a full adapt of the 25 (bench/suite/examples-append.ts). */
  examples_append?: ExamplesAppendResult;
  /** The steps of an adapt request around adapt() (same 5-way 5-shot body). */
  request_parts: RequestPartsResult;
  /** Wasm memory before/after 1,000 case (a) adaptations and N glyph adaptations (1,000; 200 when quick). */
  heap: { case_a: HeapResult; glyphs: HeapResult };
}

/** Runs every warm measurement in the current runtime; `log` reports progress (stderr in Node). */
export async function runRuntimeSuite(env: RuntimeEnv, inputs: CaseBInputs, opts: { quick: boolean; log?: (m: string) => void }): Promise<RuntimeResult> {
  const log = opts.log ?? (() => {});
  const { quick } = opts;
  const clock = clockResolutionMs();
  log(`${env.runtime}: case (a)`);
  const caseA = await benchCaseA({ quick });
  let probe: RuntimeResult['fused_probe'];
  if (env.probeKernel) {
    log(`${env.runtime}: fused SIMD probe`);
    const f = benchFused(env.probeKernel, { quick: true });
    probe = { flops: f.flops, peak_gflops: f.peak_gflops, achieved_gflops: f.achieved_gflops, time_over_flop_bound: f.time_over_flop_bound, ratio_naive_over_fused: f.ratio_naive_over_fused };
  }
  let lateBlock: LateBlockBenchResult | undefined;
  if (env.probeKernel) {
    log(`${env.runtime}: fused late block vs tfjs autodiff`);
    lateBlock = await benchLateBlock(env.probeKernel.lateBlock, { quick });
  }
  const glyphs = createModel(await decodeBundle(env.glyphs));
  const sine = createModel(await decodeBundle(env.sine));
  try {
    log(`${env.runtime}: case (b)`);
    const caseB = await benchCaseB(glyphs, inputs, { quick });
    let caseBPrevious: CaseBResult | undefined;
    if (env.glyphsPrevious) {
      log(`${env.runtime}: case (b), previous glyphs model`);
      const previous = createModel(await decodeBundle(env.glyphsPrevious));
      try {
        caseBPrevious = await benchCaseB(previous, inputs, { quick });
      } finally {
        previous.dispose();
      }
    }
    log(`${env.runtime}: folded vs layer-by-layer frozen forward`);
    const fold = await benchFold(await decodeBundle(env.glyphs), inputs, { quick });
    log(`${env.runtime}: predict with and without the head cache`);
    const headCache = await benchHeadCache(await decodeBundle(env.glyphs), inputs, { quick });
    log(`${env.runtime}: case (c)`);
    const caseC = await benchCaseC(sine, { quick });
    log(`${env.runtime}: bundle decode`);
    const decode = await benchDecode(env.glyphs, { quick });
    log(`${env.runtime}: app requests`);
    const app = await benchAppRequests(env.app, env.appEnv, inputs.supports[0]!, inputs.queries, { quick });
    // Before/after in one run: the same request with the steps on tfjs autodiff (support sets of its own).
    const late = lateBlockKernel();
    let appAutodiff: Stats | undefined;
    if (late) {
      log(`${env.runtime}: adapt requests with the late-block kernel unregistered`);
      registerLateBlockKernel(undefined);
      try {
        appAutodiff = await timeAdaptMiss(env.app, env.appEnv, inputs.supports[0]!, { quick, first: 500_000 });
      } finally {
        registerLateBlockKernel(late);
      }
    }
    let examplesAppend: ExamplesAppendResult | undefined;
    if (env.examples) {
      log(`${env.runtime}: examples append vs full adapt`);
      examplesAppend = await benchExamplesAppend(env.app, env.appEnv, inputs.supports[0]!, { quick });
    }
    const head = adapt(glyphs, inputs.supports[0]!).head;
    const requestParts = await benchRequestParts(glyphs.id, inputs.supports[0]!, head, { quick });
    log(`${env.runtime}: wasm memory over 1,000 adaptations`);
    const a = caseAModel();
    const small = createModel(a.data);
    const heapA = heapGrowth(() => void adapt(small, a.support), 1000);
    small.dispose();
    const support = inputs.supports[0]!;
    const heap = { case_a: heapA, glyphs: heapGrowth(() => void adapt(glyphs, support), quick ? 200 : 1000) };
    return { runtime: env.runtime, backend: tf.getBackend(), clock_resolution_ms: clock, case_a: caseA, ...(probe ? { fused_probe: probe } : {}), ...(lateBlock ? { late_block: lateBlock } : {}), case_b: caseB, ...(caseBPrevious ? { case_b_previous: caseBPrevious } : {}), fold, head_cache: headCache, case_c: caseC, decode, app, ...(appAutodiff ? { app_adapt_miss_autodiff_ms: appAutodiff } : {}), ...(examplesAppend ? { examples_append: examplesAppend } : {}), request_parts: requestParts, heap };
  } finally {
    glyphs.dispose();
    sine.dispose();
  }
}
