/**
 * Request quotas as GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp per
 * key): `limit` requests per `periodSeconds`, at most `limit` of them in a burst, then one every
 * `periodSeconds / limit`. It gives an exact `retry-after` and needs no timer. The same code runs in
 * the Durable Object (workerd) and in-process (`fewshot serve`), so both servers limit alike.
 */

/** Route classes with a quota each: what costs CPU (adapt runs the inner loop; predict a forward; upload verifies a head). */
export const ROUTE_CLASSES = ['adapt', 'predict', 'upload'] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

export interface RateRule {
  limit: number;
  periodSeconds: number;
}

export interface RateDecision {
  ok: boolean;
  /** Whole seconds until one more request of this class would be admitted (0 when ok). */
  retryAfterSeconds: number;
}

/** The decision for one request at `nowMs`, given the key's theoretical arrival time; returns the new one. */
export function gcra(tatMs: number | undefined, nowMs: number, rule: RateRule): { decision: RateDecision; tatMs: number | undefined } {
  const interval = (rule.periodSeconds * 1000) / rule.limit;
  const tat = Math.max(tatMs ?? nowMs, nowMs);
  const next = tat + interval;
  const over = next - nowMs - rule.periodSeconds * 1000;
  if (over > 0) return { decision: { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(over / 1000)) }, tatMs };
  return { decision: { ok: true, retryAfterSeconds: 0 }, tatMs: next };
}

/** Where quotas are counted: a Durable Object per tenant in workerd, a Map in `fewshot serve`. */
export interface RateLimiter {
  take(tenant: string, cls: RouteClass, rule: RateRule): Promise<RateDecision>;
}

const SWEEP_EVERY = 1024;

/** GCRA state in a Map: one process, exact counts. Keys whose bucket is full again are forgotten. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly tat = new Map<string, number>();
  private calls = 0;
  constructor(private readonly now: () => number = Date.now) {}

  /** Synchronous form, for the Durable Object (single-threaded: no await between read and write). */
  takeNow(key: string, rule: RateRule): RateDecision {
    const now = this.now();
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now);
    const r = gcra(this.tat.get(key), now, rule);
    if (r.tatMs !== undefined) this.tat.set(key, r.tatMs);
    return r.decision;
  }

  async take(tenant: string, cls: RouteClass, rule: RateRule): Promise<RateDecision> {
    return this.takeNow(`${tenant}\u0000${cls}`, rule);
  }

  /** Keys tracked (tests check the sweep bounds memory). */
  get size(): number {
    return this.tat.size;
  }

  private sweep(now: number): void {
    // A TAT in the past is a full bucket: the same as no entry at all.
    for (const [k, t] of this.tat) if (t <= now) this.tat.delete(k);
  }
}
