import { describe, expect, it } from 'vitest';
import { postToWorker } from './deployed';
import { exports } from 'cloudflare:workers';
import glyphsAdapt from '../../../examples/glyphs-adapt.json';
import glyphsPredict from '../../../examples/glyphs-predict.json';
import sineAdapt from '../../../examples/sine-adapt.json';
import sinePredict from '../../../examples/sine-predict.json';
import glyphsExpected from '../../../examples/glyphs-expected.json';

const post = postToWorker;

describe("the README's curl examples, against the worker as deployed (embedded bundles)", () => {
  it('glyphs: adapt then predict by user', async () => {
    const a = await post('/v1/models/glyphs/adapt', glyphsAdapt);
    expect(a.status).toBe(200);
    const aj = (await a.json()) as { headId: string; labels: string[] };
    expect(new Set(aj.labels)).toEqual(new Set(glyphsAdapt.support.labels));
    const p = await post('/v1/models/glyphs/predict', glyphsPredict);
    expect(p.status).toBe(200);
    const pj = (await p.json()) as { headId: string; predictions: { label: string }[] };
    expect(pj.headId).toBe(aj.headId);
    // Held-out images of the 3 test-script characters: the trained default model gets them right.
    expect(pj.predictions.map((x) => x.label)).toEqual(glyphsExpected.labels);
    // The user's heads, then forgetting the user.
    const user = `http://127.0.0.1:8787/v1/models/glyphs/users/${glyphsAdapt.user}`;
    const auth = { authorization: 'Bearer local-dev-key' };
    const listed = (await (await exports.default.fetch(new Request(user, { headers: auth }))).json()) as { heads: { headId: string; latest: boolean }[] };
    expect(listed.heads[0]).toMatchObject({ headId: aj.headId, latest: true });
    expect((await exports.default.fetch(new Request(user, { method: 'DELETE', headers: auth }))).status).toBe(204);
    expect(((await (await exports.default.fetch(new Request(user, { headers: auth }))).json()) as { heads: unknown[] }).heads).toEqual([]);
  });

  it('sine-maml: adapt then predict by user', async () => {
    expect((await post('/v1/models/sine-maml/adapt', sineAdapt)).status).toBe(200);
    const p = (await (await post('/v1/models/sine-maml/predict', sinePredict)).json()) as { predictions: { value: number }[] };
    expect(p.predictions).toHaveLength(3);
    for (const x of p.predictions) expect(Number.isFinite(x.value)).toBe(true);
  });
});
