import { embeddingClusters } from '../../src/tasks/embedding-clusters';

export interface EmbeddingEpisode {
  support: { inputs: number[][]; labels: string[] };
  queries: { inputs: number[][]; labels: string[] };
}

/** Seeded few-shot episodes over synthetic clustered embeddings: fresh classes per episode, 20 queries per class. */
export function embeddingEpisodes(count: number, opts: { dim?: number; ways?: number; shots?: number; seed?: number } = {}): EmbeddingEpisode[] {
  const { dim = 384, ways = 5, shots = 5, seed = 1 } = opts;
  return Array.from({ length: count }, (_, e) => {
    const clusters = embeddingClusters({ dim, classes: ways, seed: seed * 1000 + e });
    return { support: clusters.sample(shots, seed * 1000 + 500 + e), queries: clusters.sample(20, seed * 1000 + 900 + e) };
  });
}

/** Fraction of queries whose predicted label is right, over all episodes. */
export function accuracy(predicted: unknown[][], episodes: EmbeddingEpisode[]): number {
  let ok = 0;
  let total = 0;
  episodes.forEach((ep, i) =>
    ep.queries.labels.forEach((l, j) => {
      ok += predicted[i]![j] === l ? 1 : 0;
      total++;
    }),
  );
  return ok / total;
}
