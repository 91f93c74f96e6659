import glyphs from '../../bundles/glyphs.fsb';
import sineMaml from '../../bundles/sine-maml.fsb';
import embed384 from '../../bundles/embed-384.fsb';
import { EMBEDDED_MODELS } from '../../src/store/embedded-models';
import type { EmbeddedModelFile } from '../../src/store/embedded-models';
import type { BundleSource } from './registered-model';

// wrangler bundles only static imports, so each listed file is imported here once; the Record type
// makes tsc reject a file the list names but this map lacks, or one the list does not name.
const bytesOf: Record<EmbeddedModelFile, ArrayBuffer> = {
  'glyphs.fsb': glyphs,
  'sine-maml.fsb': sineMaml,
  'embed-384.fsb': embed384,
};

/** Bundles shipped inside the worker (wrangler's Data rule imports them as ArrayBuffers), in the list's order. */
export const embeddedBundles: BundleSource[] = EMBEDDED_MODELS.map((m) => ({ name: m.name, bytes: async () => bytesOf[m.file] }));
