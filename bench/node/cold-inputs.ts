import { uniqueSupport } from '../suite/app-requests';
import type { SupportSet } from '../../src/engine/index';
import type { CaseBInputs } from '../suite/case-b';

/** What a cold-start run sends: a support set for stage timing, and two adapt bodies + queries for the app. */
export interface ColdInputs {
  support: SupportSet;
  queries: number[][];
  /** JSON body of the first adapt request (a cache miss). */
  first: string;
  /** JSON body of the second adapt request (another miss: a different support set). */
  second: string;
}

/** Cold inputs for run `i` (bodies differ per run so no run could ever hit a cache). */
export function coldInputs(inputs: CaseBInputs, i: number): ColdInputs {
  const s = inputs.supports;
  return {
    support: s[0]!,
    queries: inputs.queries,
    first: JSON.stringify({ user: `cold-${i}`, support: uniqueSupport(s[1 % s.length]!, 10_000 + i) }),
    second: JSON.stringify({ user: `cold-${i}`, support: uniqueSupport(s[2 % s.length]!, 20_000 + i) }),
  };
}
