import { resolveOptions } from '../../src/engine/validate';
import { encodeExamples } from '../../src/examples/batch';
import { ExamplesError, labelCounts } from '../../src/examples/ledger';
import { engineCall } from '../engine-errors';
import { checkSupportLimits } from '../limits';
import { ApiError } from '../problem';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Config } from '../config';
import type { ExampleCaps, NewExample, StoredExample } from '../../src/examples/ledger';
import type { ReadyModel } from '../models/registered-model';
import type { ExamplesSnapshot, ExamplesStore } from './store';
import type { HeadOutcome } from './sync-head';

/** The caps that apply to a user of this model: the operator's, never above the bundle's own limits. */
export function capsFor(config: Config, m: ReadyModel): ExampleCaps {
  const limits = m.data.defaults.limits;
  return {
    maxExamples: Math.min(config.EXAMPLES_MAX_PER_USER, config.MAX_SUPPORT_EXAMPLES, limits.maxExamples),
    maxClasses: Math.min(config.EXAMPLES_MAX_CLASSES, config.MAX_CLASSES, limits.maxClasses),
    maxTenantBytes: config.EXAMPLES_MAX_TENANT_BYTES,
    ttlSeconds: config.EXAMPLES_TTL_SECONDS,
  };
}

/** Checks steps/lr against the operator's and the bundle's limits before anything is stored. */
export function checkOptions(config: Config, m: ReadyModel, steps?: number, lr?: number): void {
  checkSupportLimits(config, { inputs: [], labels: [] }, steps, lr);
  engineCall(() => resolveOptions(m.data.defaults, { steps, lr }));
}

/** Checks new examples against the operator's limits and the engine's rules, and encodes them for storage. */
export function encodeBatch(config: Config, m: ReadyModel, inputs: number[][], labels: (string | number)[]): NewExample[] {
  checkSupportLimits(config, { inputs, labels });
  return engineCall(() => encodeExamples({ spec: m.data.spec, inputSize: m.model.inputSize, defaults: m.data.defaults }, inputs, labels));
}

const STATUS: Record<ExamplesError['code'], ContentfulStatusCode> = {
  too_many_examples: 413,
  too_many_classes: 413,
  tenant_storage_full: 413,
  label_kind: 422,
  example_not_found: 404,
  label_not_found: 404,
  examples_unavailable: 503,
};

/** The examples store of this request, or the 503 a deployment without one answers. */
export function requireStore(store: ExamplesStore | undefined): ExamplesStore {
  if (!store) throw new ApiError(503, 'examples_unavailable', 'this deployment keeps no examples (the USER_EXAMPLES Durable Object is not bound)');
  return store;
}

/** Runs a store call: a refusal is its 4xx; an unreachable store is a 503 (the call changed nothing). */
export async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ExamplesError) throw new ApiError(STATUS[e.code], e.code, e.detail);
    if (e instanceof ApiError) throw e;
    throw new ApiError(503, 'examples_unavailable', `the examples store is unavailable: ${e instanceof Error ? e.message : String(e)}; retry`, { 'retry-after': '5' });
  }
}

export const itemOf = (e: StoredExample) => ({ id: e.id, label: e.label, addedAt: e.addedAt, encoding: e.enc });

/** The body every examples route answers with. */
export function examplesBody(m: ReadyModel, user: string, snap: ExamplesSnapshot, outcome: HeadOutcome | null, headId: string | null) {
  const s = snap.state;
  return {
    model: m.name,
    modelVersion: m.data.id.slice(0, 12),
    user,
    headId,
    examples: snap.examples.length,
    labels: labelCounts(snap.examples),
    bytes: snap.userBytes,
    revision: s?.revision ?? 0,
    adapted: outcome?.adapted ?? false,
    readapted: outcome?.readapted ?? false,
    readapts: (s?.readapts ?? 0) + (outcome?.readapted ? 1 : 0),
    cache: outcome?.cache ?? ('hit' as const),
    steps: outcome?.steps ?? null,
    lr: outcome?.lr ?? null,
    loss: outcome?.loss ?? { before: null, after: null },
    expiresAt: s?.expiresAt ?? null,
  };
}
