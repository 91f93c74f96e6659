import { describe, expect, it } from 'vitest';
import { headFromJson, headToJson, HeadError } from '../../src/head/index';
import type { Head } from '../../src/head/index';

const head: Head = {
  modelId: 'm1',
  task: 'regression',
  labels: [],
  scope: 'all',
  params: { 'body/fc/kernel': { shape: [2, 2], data: Float32Array.from([0.1, -2.5, 1e-30, 3]) }, 'head/out/bias': { shape: [1], data: Float32Array.from([Math.PI]) } },
};

describe('head JSON form', () => {
  it('round-trips float32 values exactly through JSON text, with an optional headId', () => {
    const text = JSON.stringify(headToJson(head, 'abc'));
    const raw = JSON.parse(text);
    expect(raw).toMatchObject({ format: 'fewshot-head', version: 1, headId: 'abc' });
    expect(headFromJson(raw)).toEqual(head);
    expect(headToJson(head)).not.toHaveProperty('headId');
  });

  const bad: [string, (o: Record<string, unknown>) => unknown][] = [
    ['not an object', () => 'head'],
    ['another format', (o) => ({ ...o, format: 'other' })],
    ['another version', (o) => ({ ...o, version: 2 })],
    ['an unknown scope', (o) => ({ ...o, scope: 'body' })],
    ['a bad headId', (o) => ({ ...o, headId: 5 })],
    ['a wrong value count', (o) => ({ ...o, params: { x: { shape: [2], data: [1] } } })],
    ['a null value (NaN written by JSON.stringify)', (o) => ({ ...o, params: { x: { shape: [1], data: [null] } } })],
    ['a string value', (o) => ({ ...o, params: { x: { shape: [1], data: ['1'] } } })],
    ['a bad shape', (o) => ({ ...o, params: { x: { shape: [1.5], data: [1] } } })],
    ['params as an array', (o) => ({ ...o, params: [] })],
  ];
  for (const [what, edit] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => headFromJson(edit(headToJson(head) as unknown as Record<string, unknown>))).toThrow(HeadError);
    });
  }
});
