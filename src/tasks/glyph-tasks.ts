import { createEpisodeSampler } from '../data/episodes';
import type { GlyphDataset } from '../data/glyphs';
import type { SplitName } from '../data/glyph-index';
import type { ClassificationTask, TaskSource } from './types';

export interface GlyphTaskOptions {
  ways: number;
  shots: number;
  queries: number;
  seed: number;
  rotations?: boolean;
  style?: 'none' | 'image' | 'episode';
}

/** N-way K-shot glyph episodes over one split (scripts never shared between splits), as tasks. */
export function createGlyphSource(dataset: GlyphDataset, split: SplitName, opts: GlyphTaskOptions): TaskSource<ClassificationTask> {
  const sampler = createEpisodeSampler(dataset, split, opts);
  return {
    next: () => {
      const { support, query } = sampler.next();
      return {
        kind: 'classification',
        ways: opts.ways,
        classIds: support.classIds,
        support: { x: support.inputs, y: support.labels, n: support.labels.length },
        query: { x: query.inputs, y: query.labels, n: query.labels.length },
      };
    },
  };
}
