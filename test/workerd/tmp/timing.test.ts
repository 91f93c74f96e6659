import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initWorkerdBackend } from '../../../wasm/workerd';
import { decodeBundle } from '../../../src/bundle/index';
import { adapt, createModel } from '../../../src/engine/index';
import { featureScope } from '../../../src/engine/feature-scope';
import glyphs from '../../../bundles/glyphs.fsb';
import { imageSupport } from '../../engine/model-fixtures';

it('times glyphs adapt in workerd', async () => {
  await initWorkerdBackend();
  const m = createModel(await decodeBundle(new Uint8Array(glyphs)));
  const s = imageSupport(3, 5, 5, 0.5);
  const time = (fn: () => unknown, n = 20) => { for (let i = 0; i < 3; i++) fn(); const t0 = performance.now(); for (let i = 0; i < n; i++) fn(); return ((performance.now() - t0) / n).toFixed(2); };
  const scope = featureScope(m);
  const frozen = () => { const z = tf.tidy(() => scope.frozen(tf.reshape(tf.tensor2d(s.inputs), [-1, 28, 28, 1]))); z.dataSync(); z.dispose(); };
  const off = createModel({ ...(await decodeBundle(new Uint8Array(glyphs))) });
  (off as any).defaults = { ...off.defaults, guard: 'off' };
  console.log('frozen', time(frozen), 'steps0', time(() => adapt(m, s, { steps: 0 })), 'fused', time(() => adapt(m, s)), 'fused guard off', time(() => adapt(off, s)), 'autodiff', time(() => adapt(m, s, { path: 'autodiff' }), 5), 'guard', adapt(m, s).guard?.verdict);
});
