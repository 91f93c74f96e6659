import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor } from '../spec/model-spec';

/** Adam's state as plain data (checkpoint sidecar): step count and both moments per variable. */
export interface AdamState {
  step: number;
  m: Record<string, NamedTensor>;
  v: Record<string, NamedTensor>;
}

export interface Adam {
  readonly lr: number;
  /** One update θ ← θ − lr·m̂/(√v̂ + ε) of each variable that has a gradient. */
  apply(vars: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>): void;
  /** Reads the state back (for a checkpoint). */
  state(): AdamState;
  dispose(): void;
}

const read = (t: tf.Tensor): NamedTensor => ({ shape: [...t.shape], data: new Float32Array(t.dataSync()) });

/**
 * Adam written out (not tf.train.adam) so that its state is plain tensors we can checkpoint exactly
 * and restore bit for bit: a resumed run continues the same trajectory.
 */
export function createAdam(lr: number, from?: AdamState, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): Adam {
  let step = from?.step ?? 0;
  const m: Record<string, tf.Tensor> = {};
  const v: Record<string, tf.Tensor> = {};
  for (const [k, t] of Object.entries(from?.m ?? {})) m[k] = tf.tensor(t.data, t.shape, 'float32');
  for (const [k, t] of Object.entries(from?.v ?? {})) v[k] = tf.tensor(t.data, t.shape, 'float32');
  return {
    lr,
    apply(vars, grads) {
      step++;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      for (const [name, g] of Object.entries(grads)) {
        const variable = vars[name];
        if (!variable) continue;
        const [m1, v1] = tf.tidy(() => {
          const mPrev = m[name] ?? tf.zerosLike(g);
          const vPrev = v[name] ?? tf.zerosLike(g);
          const mNext = tf.add(tf.mul(mPrev, beta1), tf.mul(g, 1 - beta1));
          const vNext = tf.add(tf.mul(vPrev, beta2), tf.mul(tf.square(g), 1 - beta2));
          const update = tf.div(tf.mul(mNext, lr / c1), tf.add(tf.sqrt(tf.div(vNext, c2)), eps));
          variable.assign(tf.sub(variable, update));
          return [mNext, vNext];
        });
        m[name]?.dispose();
        v[name]?.dispose();
        // keep: apply() may run inside a caller's tidy, and the moments outlive it.
        m[name] = tf.keep(m1!);
        v[name] = tf.keep(v1!);
      }
    },
    state: () => ({
      step,
      m: Object.fromEntries(Object.entries(m).map(([k, t]) => [k, read(t)])),
      v: Object.fromEntries(Object.entries(v).map(([k, t]) => [k, read(t)])),
    }),
    dispose: () => tf.dispose([...Object.values(m), ...Object.values(v)]),
  };
}
