/**
 * What the guard decided for one request: 'adapted' (the steps did not lower the held-out accuracy,
 * so they run on the whole support set), 'kept' (they did, or nothing could be held out: the model is
 * kept as it is, steps 0), or 'unchecked' (no guard, or no steps asked for).
 */
export interface GuardReport {
  verdict: 'adapted' | 'kept' | 'unchecked';
  reason: string;
  /** Nearest-centroid cross-entropy and accuracy of the held-out half, before and after the steps on the other half. */
  heldOut?: { before: number; after: number; accuracyBefore: number; accuracyAfter: number };
}
