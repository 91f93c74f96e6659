import glyphs from '../../bundles/glyphs.fsb';
import sineMaml from '../../bundles/sine-maml.fsb';
import embed384 from '../../bundles/embed-384.fsb';
import type { BundleSource } from './registry';

/** Bundles shipped inside the worker (wrangler's Data rule imports them as ArrayBuffers); the first is the default. */
export const embeddedBundles: BundleSource[] = [
  { name: 'glyphs', bytes: async () => glyphs },
  { name: 'sine-maml', bytes: async () => sineMaml },
  { name: 'embed-384', bytes: async () => embed384 },
];
