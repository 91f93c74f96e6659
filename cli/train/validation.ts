import { createModel } from '../../src/engine/model';
import { decodeBundle, encodeBundle } from '../../src/bundle/index';
import { classificationAccuracies } from '../../src/eval/classification';
import { adaptedMse } from '../../src/eval/regression';
import { meanCi95 } from '../../src/eval/stats';
import { getTasks } from '../../src/tasks/registry';
import type { GlyphDataset } from '../../src/data/glyphs';
import type { ModelData } from '../../src/spec/model-spec';
import type { TrainOptions } from './options';

/** Validation metric of a deployable model on the validation split, through adapt/predict (what users get). */
export async function validate(o: TrainOptions, data: Omit<ModelData, 'id'>, dataset?: GlyphDataset): Promise<Record<string, number>> {
  const model = createModel(await decodeBundle(await encodeBundle(data)));
  try {
    const splits = getTasks(o.task, { seed: o.seed, shots: o.shots, queries: o.task === 'sinusoid' ? o.queries : 15, ways: o.ways, ...(dataset ? { dataset } : {}) });
    if (o.task === 'sinusoid') {
      const xs = Array.from({ length: o.valEpisodes }, () => {
        const t = splits.validation.next();
        return t.kind === 'regression' ? adaptedMse(model, t, data.defaults.steps) : NaN;
      });
      const r = meanCi95(xs);
      return { valMse: r.mean, valMseCi95: r.ci95, valSteps: data.defaults.steps, valEpisodes: o.valEpisodes };
    }
    const r = meanCi95(classificationAccuracies(model, splits.validation, o.valEpisodes, {}));
    return { valAccuracy: r.mean, valAccuracyCi95: r.ci95, valWays: o.ways, valShots: o.shots, valEpisodes: o.valEpisodes };
  } finally {
    model.dispose();
  }
}
