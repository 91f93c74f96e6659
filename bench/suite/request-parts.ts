// Where an adapt request's time goes besides adapt() itself: body parsing, the zod schema over every
// input number, the content address (canonical JSON of the support set + SHA-256), head encoding.
import { encodeHead, decodeHead, adaptKeyFor } from '../../src/head/index';
import { AdaptRequestSchema } from '../../worker/schemas/adapt';
import { timeCalls, timeOptions } from './stats';
import type { Head } from '../../src/head/index';
import type { SupportSet } from '../../src/engine/index';
import type { Stats } from './stats';

export interface RequestPartsResult {
  json_parse_ms: Stats;
  zod_validate_ms: Stats;
  head_id_ms: Stats;
  encode_head_ms: Stats;
  decode_head_ms: Stats;
}

/** Times the per-request steps around adapt() for one request body. */
export async function benchRequestParts(modelId: string, support: SupportSet, head: Head, opts: { quick: boolean }): Promise<RequestPartsResult> {
  const t = timeOptions(opts.quick);
  const body = JSON.stringify({ user: 'bench', support });
  const parsed: unknown = JSON.parse(body);
  const bytes = await encodeHead(head);
  return {
    json_parse_ms: await timeCalls(() => JSON.parse(body), t),
    zod_validate_ms: await timeCalls(() => {
      if (!AdaptRequestSchema.safeParse(parsed).success) throw new Error('bench body does not validate');
    }, t),
    head_id_ms: await timeCalls(() => adaptKeyFor(modelId, support, { steps: 10, lr: 0.01 }), t),
    encode_head_ms: await timeCalls(() => encodeHead(head), t),
    decode_head_ms: await timeCalls(() => decodeHead(bytes), t),
  };
}
