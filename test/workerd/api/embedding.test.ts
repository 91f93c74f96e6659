import { describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';
import { accuracy, embeddingEpisodes } from '../../helpers/embedding-episodes';
import embedAdapt from '../../../examples/embed-adapt.json';
import embedPredict from '../../../examples/embed-predict.json';
import embedExpected from '../../../examples/embed-expected.json';
import golden from '../../engine/embedding-golden.json';
import { sha256Hex } from '../../../src/util/sha256';

const call = (method: string, path: string, body?: unknown) =>
  exports.default.fetch(
    new Request(`http://127.0.0.1:8787${path}`, {
      method,
      headers: { authorization: 'Bearer local-dev-key', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );

type Predict = { headId: string; predictions: { label: string; scores: Record<string, number> }[] };

describe('the shipped embed-384 model over HTTP (workerd, real KV)', () => {
  const episodes = embeddingEpisodes(4, { seed: 7 });

  it('is served out of the box: 384-number inputs, any classes', async () => {
    const r = await call('GET', '/v1/models/embed-384');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ready', task: 'classification', inputShape: [384], inputLength: 384, classes: 'any', defaults: { steps: 20, lr: 2, headInit: 'prototype' } });
  });

  it('adapt → predict by user is far above chance and beats prototypes alone (steps 0)', async () => {
    const run = async (steps?: number) => {
      const out: string[][] = [];
      for (const [i, ep] of episodes.entries()) {
        const user = `embed-user-${i}-${steps ?? 'default'}`;
        const a = await call('POST', '/v1/models/embed-384/adapt', { user, support: ep.support, ...(steps === undefined ? {} : { steps }) });
        expect(a.status).toBe(200);
        const p = await call('POST', '/v1/models/embed-384/predict', { user, inputs: ep.queries.inputs });
        expect(p.status).toBe(200);
        const pj = (await p.json()) as Predict;
        for (const x of pj.predictions) expect(Object.values(x.scores).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        out.push(pj.predictions.map((x) => x.label));
      }
      return accuracy(out, episodes);
    };
    const adapted = await run();
    const prototypes = await run(0);
    console.log(`[embedding workerd] 5-way 5-shot, 4 episodes: default ${adapted.toFixed(3)}, steps 0 ${prototypes.toFixed(3)}`);
    expect(prototypes).toBeGreaterThan(0.6);
    expect(adapted).toBeGreaterThan(0.85);
    expect(adapted).toBeGreaterThan(prototypes);
  });

  it("docs/embeddings.md's curl flow: support-inbox intents over hashed sentence vectors", async () => {
    const a = await call('POST', '/v1/models/embed-384/adapt', embedAdapt);
    expect(a.status).toBe(200);
    expect(((await a.json()) as { labels: string[] }).labels).toEqual(['billing', 'shipping', 'account']);
    const p = (await (await call('POST', '/v1/models/embed-384/predict', embedPredict)).json()) as Predict;
    expect(p.predictions.map((x) => x.label)).toEqual(embedExpected.labels);
  });

  it('the head adapted in workerd is byte-for-byte the one Node adapts (golden hash, downloaded through the heads route)', async () => {
    const [ep] = embeddingEpisodes(1, golden.episodes);
    const a = (await (await call('POST', '/v1/models/embed-384/adapt', { user: 'embed-golden', support: ep!.support })).json()) as { headId: string };
    const h = await call('GET', `/v1/models/embed-384/heads/${a.headId}`);
    expect(h.status).toBe(200);
    expect(await sha256Hex(await h.arrayBuffer())).toBe(golden.headSha256);
  });

  it('a vector of the wrong length is a 422 input_length problem', async () => {
    const r = await call('POST', '/v1/models/embed-384/adapt', { user: 'embed-bad', support: { inputs: [[1, 2, 3], [4, 5, 6]], labels: ['a', 'b'] } });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(((await r.json()) as { code: string }).code).toBe('input_length');
  });
});
