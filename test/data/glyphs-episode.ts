import type { Episode, EpisodeOptions } from '../../src/data/episodes';

/** The episode both the Node and the workerd test draw from the committed data. */
export const FIRST_EPISODE: { split: 'test'; options: EpisodeOptions } = {
  split: 'test',
  options: { ways: 5, shots: 1, queries: 3, seed: 20240601 },
};

// Recorded once from the committed data/glyphs files (it changes only when they are regenerated).
export const FIRST_EPISODE_SHA256 = 'edb7e5ff4bf5089aefea26964125b5a2406b1898a2ac068a2de24646272d16ae';

/** SHA-256 (hex) over an episode's class ids, rotations, labels and float pixels, in a fixed order. */
export async function episodeDigest(episode: Episode): Promise<string> {
  const parts: ArrayBufferView[] = [];
  for (const set of [episode.support, episode.query]) {
    parts.push(Int32Array.from(set.classIds), Int32Array.from(set.rotations), set.labels, set.inputs);
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}
