import { encodeBundle } from '../src/bundle/index';
import { metaTrain } from '../src/algorithms/meta-train';
import { EngineError } from '../src/engine/errors';
import { initNodeBackend, releaseNodeThreads } from '../wasm/node';
import { UsageError, writeAtomic } from './bundle/cli-io';
import { parseUsage } from './usage';
import { loadGlyphsFromDisk } from './glyphs-data';
import { readCheckpoint, writeCheckpoint } from './train/checkpoint';
import { resolveThreads, resolveTrainOptions, TRAIN_USAGE } from './train/options';
import { toModelData } from './train/output';
import { createProgress } from './train/progress';
import { setupTraining } from './train/setup';
import { validate } from './train/validation';
import type { Command } from './command';
import type { TrainSnapshot } from '../src/algorithms/meta-train';
import type { Provenance } from '../src/spec/model-spec';
import type { TrainOptions } from './train/options';

/** The progress note of a validation whose adaptation diverged (the engine's detail already says "adaptation diverged (...)"). */
export const divergedNote = (iteration: number, e: EngineError): string => `validation @${iteration}: ${e.detail}`;

/** Checkpoint bundle path of a run writing `out` (its state sidecar is `<ckpt>.state.json`). */
export const checkpointPath = (out: string): string => `${out}.ckpt`;

async function run(argv: string[]): Promise<number> {
  const { values } = parseUsage(TRAIN_USAGE, argv);
  let o: TrainOptions = resolveTrainOptions(values);
  const threads = resolveThreads(values.threads, o.task);
  let resumed: { snapshot: TrainSnapshot; extra: Record<string, unknown> } | undefined;
  if (o.resume) {
    const ck = await readCheckpoint(o.resume);
    if (ck.options.task !== o.task || ck.options.algo !== o.algo) throw new UsageError(`--resume: the checkpoint is ${ck.options.task}/${ck.options.algo}, not ${o.task}/${o.algo}`);
    // The run continues with the checkpoint's settings; the length, the output, the name, the deploy
    // defaults and the outer lr (a step of an lr schedule) may change.
    const deploy = { ...(values['deploy-steps'] !== undefined ? { deploySteps: o.deploySteps } : {}), ...(values['deploy-lr'] !== undefined ? { deployLr: o.deployLr } : {}), ...(o.name ? { name: o.name } : {}), ...(values['outer-lr'] !== undefined ? { outerLr: o.outerLr } : {}) };
    o = { ...ck.options, iterations: o.iterations, out: o.out, resume: o.resume, ...deploy };
    resumed = ck;
  }
  await initNodeBackend({ threads });
  try {
    return await train(o, argv, resumed);
  } finally {
    releaseNodeThreads();
  }
}

async function train(o: TrainOptions, argv: string[], resumed: { snapshot: TrainSnapshot; extra: Record<string, unknown> } | undefined): Promise<number> {
  const dataset = o.task === 'glyphs' ? await loadGlyphsFromDisk() : undefined;
  const setup = setupTraining(o, dataset);
  const command = `fewshot train ${argv.join(' ')}`;
  const priorWall = Number(resumed?.extra.wallSeconds ?? 0);
  const from = resumed?.snapshot.iteration ?? 0;
  const t0 = performance.now();
  const metrics: Record<string, number> = {};
  const provenance = (s: TrainSnapshot): Provenance => {
    const wallSeconds = priorWall + (performance.now() - t0) / 1000;
    return {
      algorithm: o.algo, dataset: o.task, split: 'train', seed: o.seed, date: new Date().toISOString(), command,
      iterations: s.iteration, wallSeconds: Math.round(wallSeconds * 10) / 10, secondOrder: setup.algorithm.secondOrder,
      training: { metaBatch: o.metaBatch, ways: o.ways, shots: o.shots, queries: o.queries, innerSteps: o.innerSteps, innerLr: o.innerLr, outerLr: o.outerLr, filters: o.filters },
      metrics: { ...metrics },
    };
  };
  const progress = createProgress(o.iterations, from);
  const validation = async (s: TrainSnapshot): Promise<void> => {
    let m: Record<string, number>;
    try {
      m = await validate(o, toModelData(o, setup.spec, s.tensors, provenance(s), dataset), dataset);
    } catch (e) {
      // A diverging adaptation at validation is a finding about this point of training, not a reason to stop it.
      if (!(e instanceof EngineError && e.code === 'non_finite')) throw e;
      progress.note(divergedNote(s.iteration, e));
      return;
    }
    Object.assign(metrics, m);
    progress.note(`validation @${s.iteration}: ${Object.entries(m).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(' ')}`);
  };
  const checkpoint = async (s: TrainSnapshot): Promise<void> => {
    const bundle = await encodeBundle(toModelData(o, setup.spec, s.tensors, provenance(s), dataset));
    await writeCheckpoint(checkpointPath(o.out), bundle, s, o, { wallSeconds: provenance(s).wallSeconds, metrics });
    progress.note(`checkpoint @${s.iteration}: ${checkpointPath(o.out)}`);
  };
  if (resumed?.extra.metrics) Object.assign(metrics, resumed.extra.metrics);
  const final = await metaTrain({
    algorithm: setup.algorithm,
    start: resumed?.snapshot ?? setup.init,
    iterations: o.iterations,
    outerLr: o.outerLr,
    batch: setup.batch,
    lossEvery: 10,
    onIteration: (it, loss) => progress.update(it, loss),
    every: [
      { n: o.valEvery, run: validation },
      { n: o.checkpointEvery, run: checkpoint },
    ],
  });
  progress.done();
  if (o.valEpisodes > 0) await validation(final);
  // A final checkpoint lets a finished run be extended with --resume --iterations N.
  if (o.checkpointEvery > 0) await checkpoint(final);
  const prov = provenance(final);
  // A leg that only re-writes the bundle (no iterations) reports the whole run's rate.
  const legSeconds = (performance.now() - t0) / 1000;
  prov.itPerSec = Math.round((final.iteration > from ? (final.iteration - from) / legSeconds : final.iteration / Math.max(1e-9, Number(prov.wallSeconds))) * 10) / 10;
  const bytes = await encodeBundle(toModelData(o, setup.spec, final.tensors, prov, dataset));
  await writeAtomic(o.out, bytes);
  process.stdout.write(`${o.out}: ${o.algo} on ${o.task}, ${final.iteration} iterations in ${prov.wallSeconds}s (${prov.itPerSec} it/s), ${bytes.length} bytes${Object.keys(metrics).length ? `, ${JSON.stringify(metrics)}` : ''}\n`);
  return 0;
}

/** `fewshot train`: meta-trains (or pre-trains) a bundle. */
export const command: Command = {
  summary: 'meta-train a bundle (maml, fomaml, reptile, anil, metasgd, protonet, protomaml, transfer)',
  run,
};
