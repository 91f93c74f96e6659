import { parseArgs } from 'node:util';
import { loadDomainFromDisk } from '../../cli/glyphs-data';
import type { DomainName } from '../../cli/glyphs-data';
import { createEpisodeSampler } from '../../src/data/episodes';
import type { Episode } from '../../src/data/episodes';
import type { IconIndex, SplitName } from '../../src/data/glyph-index';
import type { GlyphDataset, ImageDataset } from '../../src/data/glyphs';
import { byHalves } from '../../src/data/halves';

/** Accuracy of 1-nearest-neighbour (squared Euclidean on raw pixels) over one episode's queries. */
export function nearestNeighbourAccuracy(episode: Episode, width: number): number {
  const { support, query } = episode;
  let correct = 0;
  for (let q = 0; q < query.labels.length; q++) {
    let best = Infinity;
    let label = -1;
    for (let s = 0; s < support.labels.length; s++) {
      let d = 0;
      for (let p = 0; p < width; p++) {
        const diff = query.inputs[q * width + p]! - support.inputs[s * width + p]!;
        d += diff * diff;
      }
      if (d < best) [best, label] = [d, support.labels[s]!];
    }
    if (label === query.labels[q]) correct++;
  }
  return correct / query.labels.length;
}

/** Mean and 95% CI half-width (1.96·σ/√n, σ the sample standard deviation). */
export function meanCi95(xs: number[]): { mean: number; ci95: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1);
  return { mean, ci95: (1.96 * Math.sqrt(variance)) / Math.sqrt(xs.length) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      // icons: split validation/test are its two halves; classes with fewer than shots + queries images are skipped.
      domain: { type: 'string', default: 'glyphs' },
      split: { type: 'string', default: 'test' },
      ways: { type: 'string', default: '5' },
      shots: { type: 'string', default: '1' },
      queries: { type: 'string', default: '15' },
      episodes: { type: 'string', default: '600' },
      seed: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
    },
  });
  const [ways, shots, queries, episodes, seed] = [values.ways, values.shots, values.queries, values.episodes, values.seed].map(Number) as [number, number, number, number, number];
  const domain = values.domain as DomainName;
  const loaded: ImageDataset = await loadDomainFromDisk(domain);
  const dataset = domain === 'icons' ? byHalves(loaded as GlyphDataset<IconIndex>) : loaded;
  const sampler = createEpisodeSampler(dataset, values.split as SplitName, { ways, shots, queries, seed, smallClasses: domain === 'icons' ? 'skip' : 'error' });
  const accs = Array.from({ length: episodes }, () => nearestNeighbourAccuracy(sampler.next(), dataset.pixelsPerImage));
  const { mean, ci95 } = meanCi95(accs);
  const result = { task: domain, method: 'nearest-neighbour-raw-pixels', split: values.split, ways, shots, queries, episodes, seed, metric: 'accuracy', mean, ci95 };
  if (values.json) console.log(JSON.stringify(result));
  else console.log(`${domain} ${ways}-way ${shots}-shot NN on raw pixels, ${values.split}, ${episodes} episodes × ${ways * queries} queries, seed ${seed}: ${(100 * mean).toFixed(2)}% ± ${(100 * ci95).toFixed(2)}%`);
}
