// Everything measured in workerd, in one Miniflare: cold isolates first (each worker is its own
// isolate, so order does not matter for them), then the warm suite in the 'bench' isolate.
import { coldInputs } from './cold-inputs';
import { mainWorkers, startedWorkers, startWorkerd } from './miniflare';
import type { CaseBInputs } from '../suite/case-b';
import type { RuntimeResult } from '../suite/in-runtime';
import type { ColdRuns } from '../report/summary';
import type { RigBuilds } from './miniflare';

/** The first two requests to an isolate that was started before they arrived. */
export interface StartedRun {
  first: { wall_ms: number; server_total_ms: number; spans: Record<string, number> };
  second: { wall_ms: number; server_total_ms: number };
}

export interface WorkerdRuns {
  suite: RuntimeResult;
  cold: ColdRuns;
  /** Production entry with the start-up preload / without it (what worker/index.ts was before). */
  started: { preload: StartedRun[]; no_preload: StartedRun[] };
  /** How long the isolates were idle between workerd start and their first request. */
  idle_before_first_request_ms: number;
}

const IDLE_MS = 2000;

/** First two adapt requests to each started isolate, with and without preload, interleaved. */
async function startedRuns(builds: RigBuilds, inputs: CaseBInputs, n: number, log: (m: string) => void): Promise<WorkerdRuns['started']> {
  const rig = await startWorkerd(startedWorkers(builds, n), log);
  try {
    // The isolates evaluated their module (and preloaded) when workerd started; give them the idle
    // time a TLS handshake would, at least.
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const started: WorkerdRuns['started'] = { preload: [], no_preload: [] };
    for (let i = 0; i < n; i++) {
      for (const [key, name, offset] of [['preload', 'start-prod', 50], ['no_preload', 'start-nopre', 70]] as const) {
        const ci = coldInputs(inputs, i + offset);
        const a = await rig.api(`${name}-${i}`, '/v1/models/glyphs/adapt', ci.first);
        const b = await rig.api(`${name}-${i}`, '/v1/models/glyphs/adapt', ci.second);
        if (a.status !== 200 || b.status !== 200 || a.json.cache !== 'miss') throw new Error(`${name}-${i}: ${a.status}/${b.status} ${JSON.stringify(a.json).slice(0, 200)}`);
        started[key].push({ first: { wall_ms: a.wall_ms, server_total_ms: a.server.total ?? NaN, spans: a.server }, second: { wall_ms: b.wall_ms, server_total_ms: b.server.total ?? NaN } });
      }
    }
    return started;
  } finally {
    await rig.dispose();
  }
}

/** Runs the cold isolates and the warm suite in workerd. */
export async function runWorkerd(builds: RigBuilds, inputs: CaseBInputs, opts: { quick: boolean; cold: number; log: (m: string) => void }): Promise<WorkerdRuns> {
  opts.log('workerd: isolates started ahead of their first request');
  const started = await startedRuns(builds, inputs, opts.cold, opts.log);
  const rig = await startWorkerd(mainWorkers(builds, opts.cold), opts.log);
  try {
    opts.log('workerd: cold isolates');
    const cold: ColdRuns = { parts: [], app: [] };
    for (let i = 0; i < opts.cold; i++) {
      const ci = coldInputs(inputs, i);
      cold.parts.push((await rig.post(`cold-parts-${i}`, '/cold-parts', { support: ci.support, queries: ci.queries })) as Record<string, number>);
      cold.app.push((await rig.post(`cold-app-${i}`, '/', ci)) as Record<string, unknown>);
    }
    opts.log('workerd: warm suite');
    const suite = (await rig.post('bench', '/suite', { quick: opts.quick, inputs })) as RuntimeResult;
    return { suite, cold, started, idle_before_first_request_ms: IDLE_MS };
  } finally {
    await rig.dispose();
  }
}
