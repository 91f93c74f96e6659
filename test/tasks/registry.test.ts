import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { loadGlyphsFromDisk } from '../../cli/glyphs-data';
import { disposeBatch, toBatch } from '../../src/tasks/batch';
import { getTasks, TaskError } from '../../src/tasks/index';
import { initNodeBackend } from '../../wasm/node';
import type { GlyphDataset } from '../../src/data/glyphs';
import type { ClassificationTask } from '../../src/tasks/types';

let dataset: GlyphDataset;

describe('task registry', () => {
  beforeAll(async () => {
    await initNodeBackend();
    dataset = await loadGlyphsFromDisk();
  });

  it('gives sinusoid splits with distinct seeded streams and the 100-point test grid', () => {
    const a = getTasks('sinusoid', { seed: 1, shots: 10, queries: 10 });
    const b = getTasks('sinusoid', { seed: 1, shots: 10, queries: 10 });
    expect(a.kind).toBe('regression');
    const [t1, t2] = [a.train.next(), b.train.next()];
    expect(Array.from(t1.support.x)).toEqual(Array.from(t2.support.x));
    expect(Array.from(a.validation.next().support.x)).not.toEqual(Array.from(a.test.next().support.x));
    expect(a.test.next().query.n).toBe(100);
    expect(a.train.next().query.n).toBe(10);
  });

  it('gives glyph episodes whose classes come from their own split only', () => {
    const s = getTasks('glyphs', { seed: 2, shots: 1, queries: 3, ways: 5, dataset });
    const scriptOf = new Map(dataset.index.classes.map((c) => [c.id, c.split]));
    for (const split of ['train', 'validation', 'test'] as const) {
      for (let i = 0; i < 20; i++) {
        const t = s[split].next() as ClassificationTask;
        expect(t.support.n).toBe(5);
        expect(t.query.n).toBe(15);
        for (const id of t.classIds!) expect(scriptOf.get(id)).toBe(split);
      }
    }
  });

  it('refuses an unknown task and glyphs without data, with stable codes', () => {
    expect(() => getTasks('nope' as 'glyphs', { seed: 1, shots: 1, queries: 1 })).toThrow(TaskError);
    try {
      getTasks('glyphs', { seed: 1, shots: 1, queries: 1 });
    } catch (e) {
      expect((e as TaskError).code).toBe('TASK_NEEDS_DATA');
    }
  });

  it('batches tasks with a leading task dim and one-hot labels, freeing everything', () => {
    const before = tf.memory().numTensors;
    const s = getTasks('glyphs', { seed: 3, shots: 2, queries: 1, ways: 4, dataset });
    const tasks = [s.train.next(), s.train.next(), s.train.next()];
    const b = toBatch(tasks, [28, 28, 1]);
    expect(b.xs.shape).toEqual([3, 8, 28, 28, 1]);
    expect(b.ys.shape).toEqual([3, 8, 4]);
    expect(b.xq.shape).toEqual([3, 4, 28, 28, 1]);
    expect(b.classes!.shape).toEqual([3, 4]);
    const ys = b.ys.arraySync() as number[][][];
    const t0 = tasks[0] as ClassificationTask;
    ys[0]!.forEach((row, i) => expect(row.indexOf(1)).toBe(t0.support.y[i]));
    expect(ys.flat().every((row) => row.reduce((a, c) => a + c, 0) === 1)).toBe(true);
    disposeBatch(b);
    expect(tf.memory().numTensors).toBe(before);
  });
});
