// The browser runtime's examples (src/browser/user-examples.ts) over an in-memory stand-in for its
// IndexedDB store, in Node: the same rules as the worker's examples API, the same heads.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBundle } from '../../src/bundle/index';
import { adapt, createModel, predict } from '../../src/engine/index';
import { supportOf } from '../../src/examples/batch';
import { ExamplesError } from '../../src/examples/ledger';
import { encodeHead, headIdOf } from '../../src/head/index';
import { userExamples } from '../../browser/user-examples';
import { useWasm } from '../engine/backends';
import { examplesFor } from '../helpers/example-sets';
import type { ExamplesEntry, ExamplesRecords } from '../../browser/examples-store';
import type { Model } from '../../src/engine/index';

/** IndexedDB's semantics, minus IndexedDB: values are structured clones; an update is one step. */
function memoryRecords(): ExamplesRecords & { size(): number } {
  const rows = new Map<string, { model: string; user: string; entry: ExamplesEntry }>();
  return {
    async update(model, user, fn) {
      await Promise.resolve();
      const key = `${model}\u0000${user}`;
      const cur = rows.get(key);
      const r = fn(cur ? structuredClone(cur.entry) : undefined);
      if (r.next === null) rows.delete(key);
      else if (r.next) rows.set(key, { model, user, entry: structuredClone(r.next) });
      return r.out;
    },
    async get(model, user) {
      const cur = rows.get(`${model}\u0000${user}`);
      return cur ? structuredClone(cur.entry) : undefined;
    },
    async users(model) {
      return [...rows.values()].filter((r) => r.model === model).map((r) => r.user).sort();
    },
    close() {},
    size: () => rows.size,
  };
}

let tiny: Model;
let tinyInt8: Model;
beforeAll(async () => {
  await useWasm();
  tiny = createModel(await decodeBundle(readFileSync('test/fixtures/tiny.fsb')));
  tinyInt8 = createModel(await decodeBundle(readFileSync('test/fixtures/tiny-int8.fsb')));
});

describe('browser runtime examples (IndexedDB model, in Node)', () => {
  it('teaches one example at a time; the head is a fresh adapt of the stored set, under the same id (SHA-256 of its bytes)', async () => {
    const records = memoryRecords();
    const ex = userExamples(tiny, 'tiny', records);
    const s = examplesFor(3, 2, 51, ['a', 'b', 'c']);
    // Besides what the model's head cache keeps of the heads predict used (disposed with the model).
    const live = (): number => tf.memory().numTensors - tiny.heads.tensors;
    const tensors = live();
    const first = await ex.add('ann', { inputs: [s.inputs[0]!], labels: ['a'] });
    expect(first).toMatchObject({ headId: null, examples: 1, labels: { a: 1 }, adapted: false });
    let last = first;
    for (let i = 1; i < s.inputs.length; i++) last = await ex.add('ann', { inputs: [s.inputs[i]!], labels: [s.labels[i]!] });
    expect(last).toMatchObject({ examples: 6, labels: { a: 2, b: 2, c: 2 }, adapted: true, revision: 6 });
    const fresh = adapt(tiny, { inputs: s.inputs, labels: s.labels });
    expect(last.headId).toBe(await headIdOf(await encodeHead(fresh.head)));
    expect(predict(tiny, last.head!, s.centres)).toEqual(predict(tiny, fresh.head, s.centres));
    expect(live()).toBe(tensors);
    // Listing does not adapt again: the stored head is current.
    expect(await ex.list('ann')).toMatchObject({ headId: last.headId, adapted: false, readapted: false });
  });

  it('corrects, removes a class, refuses bad input without storing it, forgets the user', async () => {
    const records = memoryRecords();
    const ex = userExamples(tiny, 'tiny', records);
    const s = examplesFor(3, 2, 52, ['a', 'b', 'c']);
    await ex.add('bo', s);
    const slip = await ex.add('bo', { inputs: [s.centres[2]!], labels: ['a'] });
    const wrong = slip.items.at(-1)!.id;
    const fixed = await ex.remove('bo', { id: wrong });
    expect(fixed).toMatchObject({ removed: 1, examples: 6 });
    expect(fixed.headId).toBe((await userExamples(tiny, 'tiny', memoryRecords()).add('x', s)).headId); // the same set, the same head
    await expect(ex.add('bo', { inputs: [[1, 2]], labels: ['a'] })).rejects.toMatchObject({ code: 'input_length' });
    await expect(ex.add('bo', { inputs: [s.inputs[0]!], labels: [3] })).rejects.toBeInstanceOf(ExamplesError);
    await expect(ex.add('bo', { inputs: [s.inputs[0]!], labels: ['a'] }, { steps: 10_000 })).rejects.toMatchObject({ code: 'steps_out_of_range' });
    expect((await ex.list('bo')).examples).toBe(6);
    const two = await ex.remove('bo', { label: 'c' });
    expect(two).toMatchObject({ removed: 2, labels: { a: 2, b: 2 } });
    expect(await ex.remove('bo', { label: 'b' })).toMatchObject({ headId: null, labels: { a: 2 } });
    await expect(ex.remove('bo', { label: 'zzz' })).rejects.toMatchObject({ code: 'label_not_found' });
    expect(await ex.clear('bo')).toBe(2);
    expect(records.size()).toBe(0);
  });

  it('exports what the server takes, imports it to the same head; a changed bundle re-adapts once', async () => {
    const records = memoryRecords();
    const ex = userExamples(tiny, 'pets', records);
    const s = examplesFor(2, 3, 53);
    const made = await ex.add('cy', s);
    const exported = await ex.exportAll('cy');
    expect(exported).toEqual({ format: 'fewshot-examples/1', model: 'pets', inputs: s.inputs, labels: s.labels });
    const moved = await userExamples(tiny, 'pets', memoryRecords()).importAll('cy', JSON.parse(JSON.stringify(exported)));
    expect(moved.headId).toBe(made.headId);

    // The runtime is created again with another bundle of the same model name (an update).
    const updated = userExamples(tinyInt8, 'pets', records);
    const first = await updated.list('cy');
    expect(first).toMatchObject({ readapted: true, adapted: true });
    expect(first.headId).not.toBe(made.headId);
    expect(await updated.list('cy')).toMatchObject({ headId: first.headId, readapted: false, adapted: false });
  });

  it('two tabs appending at once lose nothing; the stored head is the head of the final set', async () => {
    const records = memoryRecords();
    const tabs = [userExamples(tiny, 'tiny', records), userExamples(tiny, 'tiny', records)];
    const s = examplesFor(3, 8, 54);
    await Promise.all(s.inputs.map((x, i) => tabs[i % 2]!.add('dee', { inputs: [x], labels: [s.labels[i]!] })));
    const listed = await tabs[0]!.list('dee');
    expect(listed).toMatchObject({ examples: 24, adapted: false }); // the newest revision's head was stored last: nothing lags
    const exported = await tabs[1]!.exportAll('dee');
    const fresh = adapt(tiny, exported);
    expect(listed.headId).toBe(await headIdOf(await encodeHead(adapt(tiny, supportOf((await records.get('tiny', 'dee'))!.rec.examples)).head)));
    expect(listed.headId).toBe(await headIdOf(await encodeHead(fresh.head)));
  });
});
