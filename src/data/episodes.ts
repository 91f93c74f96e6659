import { createRng } from '../util/random';
import type { Rng } from '../util/random';
import { DataError } from './errors';
import type { ImageDataset } from './glyphs';
import type { SplitName } from './glyph-index';
import { rotateQuarterInto } from './rotate';
import { applyStyle, sampleStyle } from './style';
import type { Style } from './style';

export interface EpisodeOptions {
  ways: number;
  shots: number;
  queries: number;
  seed: number;
  /** Quarter-turn rotations of a class count as new classes (Omniglot-style); off by default. */
  rotations?: boolean;
  /**
   * Drawing styles (src/data/style.ts): 'episode' = one style for every image of an episode (a
   * user's own hand), 'image' = a new style per image. Drawn from their own stream, so the same seed
   * gives the same classes and images with or without a style.
   */
  style?: 'none' | 'image' | 'episode';
  /**
   * Classes with fewer than shots + queries images: 'error' (default; every glyph class has 20) or
   * 'skip' them (domains whose classes differ in size, such as icons: 8–20 themes per icon).
   */
  smallClasses?: 'error' | 'skip';
}

/** One side of an episode: N·K images [n, 784] row-major, their labels 0..N−1, and what each label is. */
export interface EpisodeSet {
  inputs: Float32Array;
  labels: Int32Array;
  /** Dataset class id of label w, at classIds[w]. */
  classIds: number[];
  /** Quarter turns (0–3) applied to label w's images. */
  rotations: number[];
}

export interface Episode {
  support: EpisodeSet;
  query: EpisodeSet;
}

export interface EpisodeSampler {
  /** Draws the next episode; the sequence depends only on the dataset, split and options. */
  next(): Episode;
  /** How many (class, rotation) pairs the sampler draws from. */
  readonly classCount: number;
}

/** k distinct integers from [0, n), in draw order (partial Fisher–Yates). */
function sampleDistinct(rng: Rng, n: number, k: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k);
}

/** Creates a seeded N-way K-shot sampler over one split, with Q queries per class and balanced labels. */
export function createEpisodeSampler(dataset: ImageDataset, split: SplitName, options: EpisodeOptions): EpisodeSampler {
  const { ways, shots, queries, seed } = options;
  for (const [name, v] of Object.entries({ ways, shots, queries })) {
    if (!Number.isInteger(v) || v < (name === 'queries' ? 0 : 1)) throw new DataError('EPISODE_BAD_OPTIONS', `${name} must be a positive integer`);
  }
  const all = dataset.split(split);
  const classes = options.smallClasses === 'skip' ? all.filter((c) => c.count >= shots + queries) : all;
  const turns = options.rotations ? 4 : 1;
  const classCount = classes.length * turns;
  const minCount = Math.min(...classes.map((c) => c.count));
  if (ways > classCount) {
    const note = classes.length < all.length ? ` with ≥ ${shots + queries} images (of ${all.length * turns})` : '';
    throw new DataError('EPISODE_BAD_OPTIONS', `${ways} ways but split ${split} has ${classCount} classes${note}`);
  }
  if (shots + queries > minCount) throw new DataError('EPISODE_BAD_OPTIONS', `shots + queries = ${shots + queries} exceeds the ${minCount} images of the smallest class (smallClasses: 'skip' leaves such classes out)`);
  const rng = createRng(seed);
  const styleRng = createRng((seed ^ 0x5f3759df) >>> 0);
  const styleMode = options.style ?? 'none';
  const px = dataset.pixelsPerImage;
  const scratch = new Float32Array(px);
  const styled = new Float32Array(px);

  const emptySet = (n: number): EpisodeSet => ({ inputs: new Float32Array(n * px), labels: new Int32Array(n), classIds: [], rotations: [] });
  return {
    classCount,
    next: () => {
      // nWays: which (class, rotation) pairs; the draw order is the label order, so labels are remapped at random.
      const picked = sampleDistinct(rng, classCount, ways);
      const episodeStyle: Style | undefined = styleMode === 'episode' ? sampleStyle(styleRng) : undefined;
      const support = emptySet(ways * shots);
      const query = emptySet(ways * queries);
      // Shuffled slots keep labels balanced without tying a label to a position.
      const supportSlots = sampleDistinct(rng, ways * shots, ways * shots);
      const querySlots = sampleDistinct(rng, ways * queries, ways * queries);
      picked.forEach((v, label) => {
        const cls = classes[Math.floor(v / turns)]!;
        const quarter = v % turns;
        for (const set of [support, query]) {
          set.classIds.push(cls.id);
          set.rotations.push(quarter);
        }
        // kShots + queries: distinct images of the class.
        const members = sampleDistinct(rng, cls.count, shots + queries);
        members.forEach((m, k) => {
          const set = k < shots ? support : query;
          const slot = k < shots ? supportSlots[label * shots + k]! : querySlots[label * queries + (k - shots)]!;
          set.labels[slot] = label;
          const style = styleMode === 'image' ? sampleStyle(styleRng) : episodeStyle;
          const target = style ? styled : set.inputs;
          const at = style ? 0 : slot * px;
          if (quarter === 0) dataset.imageInto(cls.offset + m, target, at);
          else {
            dataset.imageInto(cls.offset + m, scratch, 0);
            rotateQuarterInto(scratch, dataset.size, quarter, target, at);
          }
          if (style) applyStyle(styled, dataset.size, style, set.inputs, slot * px);
        });
      });
      return { support, query };
    },
  };
}

/** Converts an episode set to the API's `{inputs: number[][], labels}` shape (one row per image). */
export function toApiExamples(set: EpisodeSet): { inputs: number[][]; labels: number[] } {
  const n = set.labels.length;
  const width = n === 0 ? 0 : set.inputs.length / n;
  return {
    inputs: Array.from({ length: n }, (_, i) => Array.from(set.inputs.subarray(i * width, (i + 1) * width))),
    labels: Array.from(set.labels),
  };
}
