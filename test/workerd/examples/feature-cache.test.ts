import { describe, expect, it } from 'vitest';
import { featureCache } from '../../../worker/examples/feature-cache';
import glyphsAdapt from '../../../examples/glyphs-adapt.json';
import glyphsPredict from '../../../examples/glyphs-predict.json';
import glyphsExpected from '../../../examples/glyphs-expected.json';
import { EX_KEYS, examplesApp } from './harness';

describe('appends to a film-scope model (glyphs) reuse the frozen prefix of the stored examples', () => {
  it('one example at a time: each append runs the prefix over the new example only, and the head is bit for bit a fresh adapt', async () => {
    const { call, headBytes } = examplesApp();
    const { inputs, labels } = glyphsAdapt.support;
    let last: Record<string, unknown> = {};
    for (let i = 0; i < inputs.length; i++) {
      const misses = featureCache.misses;
      const hits = featureCache.hits;
      last = (await call('POST', '/v1/models/glyphs/users/fc-1/examples', { inputs: [inputs[i]], labels: [labels[i]] })).json;
      // The first append makes no head (one class); from the second on, only the new example misses.
      if (i >= 1) expect([featureCache.misses - misses, featureCache.hits - hits], `append ${i}`).toEqual([i === 1 ? 2 : 1, i === 1 ? 0 : i]);
    }
    expect(last).toMatchObject({ examples: 6, adapted: true });
    const stored = (await call('GET', '/v1/models/glyphs/users/fc-1/examples?inputs=1')).json.support;
    const fresh = await call('POST', '/v1/models/glyphs/adapt', { user: 'fresh', support: stored }, EX_KEYS.eta);
    expect(fresh.json).toMatchObject({ headId: last.headId, cache: 'miss' });
    expect(await headBytes(last.headId as string, EX_KEYS.zeta, 'glyphs')).toEqual(await headBytes(last.headId as string, EX_KEYS.eta, 'glyphs'));
    const p = await call('POST', '/v1/models/glyphs/predict', { user: 'fc-1', inputs: glyphsPredict.inputs });
    expect((p.json.predictions as { label: string }[]).map((x) => x.label)).toEqual(glyphsExpected.labels);
  });
});
