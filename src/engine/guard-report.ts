/**
 * What the guard decided for one request: 'adapted' (the steps lowered the held-out loss, so they
 * run on the whole support set), 'kept' (they did not, or nothing could be held out: the model is
 * kept as it is, steps 0), or 'unchecked' (no guard, or no steps asked for).
 */
export interface GuardReport {
  verdict: 'adapted' | 'kept' | 'unchecked';
  reason: string;
  /** Nearest-centroid cross-entropy of the held-out half before and after the steps on the other half. */
  heldOut?: { before: number; after: number };
}
