import { describe, expect, it } from 'vitest';
import { env, exports } from 'cloudflare:workers';
import { publish } from '../../../src/store/store-ops';
import tinySine from '../../fixtures/tiny-sine.fsb';

const get = (path: string) => exports.default.fetch(new Request(`http://127.0.0.1:8787${path}`, { headers: { authorization: 'Bearer local-dev-key' } }));

describe('the deployed worker and its MODELS binding', () => {
  it('serves a bundle published into the bound bucket beside the embedded ones, with no code change', async () => {
    // Straight into the binding from wrangler.toml: no injected store, as npm start and a deploy run.
    await publish(env.MODELS, new Uint8Array(tinySine), 'bound-sine', { note: 'via the binding' });
    const one = await get('/v1/models/bound-sine');
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ name: 'bound-sine', status: 'ready', source: 'store', version: 1, note: 'via the binding', task: 'regression' });
    const list = (await (await get('/v1/models')).json()) as { models: { name: string; source: string }[] };
    expect(list.models.map((m) => [m.name, m.source])).toEqual([['glyphs', 'embedded'], ['sine-maml', 'embedded'], ['embed-384', 'embedded'], ['bound-sine', 'store']]);
  });
});
