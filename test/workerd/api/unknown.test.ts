import { describe, expect, it } from 'vitest';
import { postToWorker } from './deployed';
import glyphsAdapt from '../../../examples/glyphs-adapt.json';
import glyphsPredict from '../../../examples/glyphs-predict.json';
import glyphsExpected from '../../../examples/glyphs-expected.json';
import { createRng } from '../../../src/util/random';

const post = postToWorker;

interface Pred {
  label: string | null;
  unknown?: boolean;
  distance?: number;
  scores: Record<string, number>;
}

const rng = createRng(3);
const junk = [new Array(784).fill(0), new Array(784).fill(1), Array.from({ length: 784 }, () => rng.next())];

describe('"none of these" through the API (the default glyphs model)', () => {
  it('blank, all-ink and noise inputs get label null and unknown: true; the real queries do not', async () => {
    const user = 'unknown-test';
    expect((await post('/v1/models/glyphs/adapt', { ...glyphsAdapt, user })).status).toBe(200);
    const r = await post('/v1/models/glyphs/predict', { user, inputs: [...glyphsPredict.inputs, ...junk] });
    expect(r.status).toBe(200);
    const preds = ((await r.json()) as { predictions: Pred[] }).predictions;
    const real = preds.slice(0, glyphsPredict.inputs.length);
    expect(real.map((p) => p.label)).toEqual(glyphsExpected.labels);
    for (const p of real) expect(p.unknown).toBe(false);
    for (const p of preds.slice(glyphsPredict.inputs.length)) {
      expect(p.label).toBeNull();
      expect(p.unknown).toBe(true);
      expect(p.distance!).toBeGreaterThan(Math.max(...real.map((q) => q.distance!)));
    }
  });

  it('a per-request unknownDistance overrides the model distance (not its contrast rule); a bad one is a 400 that changes nothing', async () => {
    const user = 'unknown-override';
    await post('/v1/models/glyphs/adapt', { ...glyphsAdapt, user });
    const lenient = ((await (await post('/v1/models/glyphs/predict', { user, inputs: junk, unknownDistance: 1e9 })).json()) as { predictions: Pred[] }).predictions;
    // The noise gets a label past any distance; blank and all-ink stay "none of these" (the model's minContrast).
    expect(lenient.map((p) => [p.unknown, typeof p.label])).toEqual([[true, 'object'], [true, 'object'], [false, 'string']]);
    const strict = ((await (await post('/v1/models/glyphs/predict', { user, inputs: glyphsPredict.inputs, unknownDistance: 1e-6 })).json()) as { predictions: Pred[] }).predictions;
    for (const p of strict) expect(p.label).toBeNull();
    const bad = await post('/v1/models/glyphs/predict', { user, inputs: junk, unknownDistance: -1 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });
});
