/**
 * The one list of models every server ships with, read from `bundles/<file>`: the worker embeds
 * them (worker/models/embedded.ts, wrangler Data modules) and `fewshot serve` reads them from disk
 * (node/bundles.ts). The first is the default model.
 */
export const EMBEDDED_MODELS = [
  { name: 'glyphs', file: 'glyphs.fsb' },
  { name: 'sine-maml', file: 'sine-maml.fsb' },
  { name: 'embed-384', file: 'embed-384.fsb' },
] as const;

/** A bundle file the list names (the worker's static import map is typed by it). */
export type EmbeddedModelFile = (typeof EMBEDDED_MODELS)[number]['file'];
