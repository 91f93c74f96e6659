import { describe, expect, it } from 'vitest';
import { canonicalRequest, headIdFor } from '../../src/head/index';

const support = { inputs: [[0.1, 0.2], [1, 2]], labels: ['a', 'b'] };
const opts = { steps: 10, lr: 0.5 };

describe('headIdFor', () => {
  it('is a hex SHA-256 of the canonical request', async () => {
    const id = await headIdFor('model-1', support, opts);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalRequest('model-1', support, opts))));
    expect(id).toBe(Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''));
  });

  it('is equal for requests that adapt identically (inputs equal after float32 rounding)', async () => {
    const a = await headIdFor('m', support, opts);
    const nearly = { ...support, inputs: [[0.1 + 1e-12, 0.2], [1, 2]] };
    expect(await headIdFor('m', nearly, opts)).toBe(a);
    expect(await headIdFor('m', JSON.parse(JSON.stringify(support)), { ...opts })).toBe(a);
  });

  it('changes with the model, any input, label (and its kind), order, steps or lr', async () => {
    const a = await headIdFor('m', support, opts);
    const variants = await Promise.all([
      headIdFor('m2', support, opts),
      headIdFor('m', { ...support, inputs: [[0.1, 0.2], [1, 2.001]] }, opts),
      headIdFor('m', { ...support, labels: ['a', 'c'] }, opts),
      headIdFor('m', { inputs: support.inputs, labels: [1, 2] }, opts),
      headIdFor('m', { inputs: support.inputs, labels: ['1', '2'] }, opts),
      headIdFor('m', { inputs: [...support.inputs].reverse(), labels: [...support.labels].reverse() }, opts),
      headIdFor('m', support, { steps: 11, lr: 0.5 }),
      headIdFor('m', support, { steps: 10, lr: 0.25 }),
    ]);
    expect(new Set([a, ...variants]).size).toBe(variants.length + 1);
  });

  it('hashes malformed support sets instead of throwing (the engine rejects them later)', async () => {
    await expect(headIdFor('m', { inputs: 'nope', labels: null }, opts)).resolves.toMatch(/^[0-9a-f]{64}$/);
    await expect(headIdFor('m', { inputs: [null, [NaN]], labels: [] }, opts)).resolves.toMatch(/^[0-9a-f]{64}$/);
  });
});
