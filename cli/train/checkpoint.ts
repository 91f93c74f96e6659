import { readFile } from 'node:fs/promises';
import { CliError, writeAtomic } from '../bundle/cli-io';
import type { TrainSnapshot } from '../../src/algorithms/meta-train';
import type { NamedTensor } from '../../src/spec/model-spec';
import type { TrainOptions } from './options';

const FORMAT = 'fewshot-train-state/1';

/** The sidecar of a checkpoint bundle: everything a resumed run needs (all raw tensors, Adam, options). */
export const statePath = (ckpt: string): string => `${ckpt}.state.json`;

const enc = (t: NamedTensor) => ({ shape: t.shape, f32: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') });
const dec = (t: { shape: number[]; f32: string }): NamedTensor => {
  const b = Buffer.from(t.f32, 'base64');
  const data = new Float32Array(b.length / 4);
  new Uint8Array(data.buffer).set(b);
  return { shape: t.shape, data };
};
const encMap = (m: Record<string, NamedTensor>) => Object.fromEntries(Object.entries(m).map(([k, t]) => [k, enc(t)]));
const decMap = (m: Record<string, { shape: number[]; f32: string }>) => Object.fromEntries(Object.entries(m).map(([k, t]) => [k, dec(t)]));

/** Writes the checkpoint: the bundle at `ckpt` and its state sidecar, each atomically (sidecar last). */
export async function writeCheckpoint(ckpt: string, bundle: Uint8Array, s: TrainSnapshot, o: TrainOptions, extra: Record<string, unknown>): Promise<void> {
  await writeAtomic(ckpt, bundle);
  const state = { format: FORMAT, options: o, iteration: s.iteration, tensors: encMap(s.tensors), adam: { step: s.adam.step, m: encMap(s.adam.m), v: encMap(s.adam.v) }, ...extra };
  await writeAtomic(statePath(ckpt), JSON.stringify(state));
}

/** Reads a checkpoint's sidecar back into a snapshot (bit-exact float32) and the options it ran with. */
export async function readCheckpoint(ckpt: string): Promise<{ snapshot: TrainSnapshot; options: TrainOptions; extra: Record<string, unknown> }> {
  let raw: string;
  try {
    raw = await readFile(statePath(ckpt), 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${statePath(ckpt)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const j = JSON.parse(raw) as { format: string; options: TrainOptions; iteration: number; tensors: Record<string, { shape: number[]; f32: string }>; adam: { step: number; m: Record<string, { shape: number[]; f32: string }>; v: Record<string, { shape: number[]; f32: string }> }; [k: string]: unknown };
  if (j.format !== FORMAT) throw new CliError(`${statePath(ckpt)}: not a training state (${String(j.format)})`);
  const { format: _f, options, iteration, tensors, adam, ...extra } = j;
  return { snapshot: { iteration, tensors: decMap(tensors), adam: { step: adam.step, m: decMap(adam.m), v: decMap(adam.v) } }, options, extra };
}
