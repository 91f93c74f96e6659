import { DurableObject } from 'cloudflare:workers';
import { MemoryRateLimiter } from './gcra';
import type { RateDecision, RateLimiter, RateRule, RouteClass } from './gcra';

/**
 * One Durable Object per tenant counts that tenant's requests, so a tenant's quota is one exact
 * count worldwide whatever the rule (the rate-limiting binding fixes limit and period per binding in
 * wrangler.toml: docs/deploy.md says why we chose this). The rule travels with each call, so a
 * changed RATE_LIMITS applies at once. State is in memory: an evicted object forgets its counts,
 * which only errs towards admitting (an idle tenant's bucket is full anyway).
 */
export class TenantRateLimiter extends DurableObject {
  private readonly counts = new MemoryRateLimiter();

  take(cls: RouteClass, rule: RateRule): RateDecision {
    return this.counts.takeNow(cls, rule);
  }
}

/** The `RateLimiter` over the TENANT_LIMITS Durable Object namespace (one object per tenant). */
export function durableRateLimiter(ns: DurableObjectNamespace<TenantRateLimiter>): RateLimiter {
  return {
    async take(tenant, cls, rule) {
      return ns.get(ns.idFromName(tenant)).take(cls, rule);
    },
  };
}
