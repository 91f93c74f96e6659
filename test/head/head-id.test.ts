import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { adaptKeyFor, canonicalRequest, encodeHead, headIdOf } from '../../src/head/index';

const support = { inputs: [[0.1, 0.2], [1, 2]], labels: ['a', 'b'] };
const opts = { steps: 10, lr: 0.5 };

describe('adaptKeyFor (the adapt cache index)', () => {
  it('is a hex SHA-256 of the canonical request', async () => {
    const id = await adaptKeyFor('model-1', support, opts);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalRequest('model-1', support, opts))));
    expect(id).toBe(Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''));
  });

  it('is equal for requests that adapt identically (inputs equal after float32 rounding)', async () => {
    const a = await adaptKeyFor('m', support, opts);
    const nearly = { ...support, inputs: [[0.1 + 1e-12, 0.2], [1, 2]] };
    expect(await adaptKeyFor('m', nearly, opts)).toBe(a);
    expect(await adaptKeyFor('m', JSON.parse(JSON.stringify(support)), { ...opts })).toBe(a);
  });

  it('changes with the model, any input, label (and its kind), order, steps or lr', async () => {
    const a = await adaptKeyFor('m', support, opts);
    const variants = await Promise.all([
      adaptKeyFor('m2', support, opts),
      adaptKeyFor('m', { ...support, inputs: [[0.1, 0.2], [1, 2.001]] }, opts),
      adaptKeyFor('m', { ...support, labels: ['a', 'c'] }, opts),
      adaptKeyFor('m', { inputs: support.inputs, labels: [1, 2] }, opts),
      adaptKeyFor('m', { inputs: support.inputs, labels: ['1', '2'] }, opts),
      adaptKeyFor('m', { inputs: [...support.inputs].reverse(), labels: [...support.labels].reverse() }, opts),
      adaptKeyFor('m', support, { steps: 11, lr: 0.5 }),
      adaptKeyFor('m', support, { steps: 10, lr: 0.25 }),
    ]);
    expect(new Set([a, ...variants]).size).toBe(variants.length + 1);
  });

  it('hashes malformed support sets instead of throwing (the engine rejects them later)', async () => {
    await expect(adaptKeyFor('m', { inputs: 'nope', labels: null }, opts)).resolves.toMatch(/^[0-9a-f]{64}$/);
    await expect(adaptKeyFor('m', { inputs: [null, [NaN]], labels: [] }, opts)).resolves.toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('headIdOf (the one id of a head)', () => {
  it('is the hex SHA-256 of the encoded bytes, so equal heads share it and any change moves it', async () => {
    const head = { modelId: 'm', task: 'classification' as const, labels: ['a', 'b'], scope: 'head' as const, params: { 'head/out/kernel': { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } } };
    const bytes = await encodeHead(head);
    expect(await headIdOf(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await headIdOf(await encodeHead({ ...head }))).toBe(await headIdOf(bytes));
    const other = await encodeHead({ ...head, params: { 'head/out/kernel': { shape: [2, 2], data: new Float32Array([1, 2, 3, 5]) } } });
    expect(await headIdOf(other)).not.toBe(await headIdOf(bytes));
  });
});
