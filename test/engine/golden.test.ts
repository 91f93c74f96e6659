import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from './backends';
import { goldenResults } from './golden-case';
import golden from './golden.json';

describe('golden adaptations (the workerd suite checks the same file)', () => {
  beforeAll(useWasm);

  it('Node on wasm reproduces golden.json bit for bit', async () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(await goldenResults()).toEqual(golden);
  });

  it('runs twice with the same bytes', async () => {
    expect(await goldenResults()).toEqual(await goldenResults());
  });
});
