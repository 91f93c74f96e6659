// The glyph validation scripts one at a time, for leave-one-script-out checks (calibration-margin.ts,
// relative-distance-sweep.ts): a copy of the dataset whose validation split is a single script, the
// others moved out of every split's reach. The test split is never read.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_GLYPHS_DIR } from '../cli/glyphs-data';
import { glyphDatasetFrom } from '../src/data/glyphs';
import type { GlyphDataset } from '../src/data/glyphs';
import type { GlyphIndex } from '../src/data/glyph-index';

export function validationScripts(): { scripts: string[]; only: (script: string) => GlyphDataset<GlyphIndex> } {
  const pixels = new Uint8Array(gunzipSync(readFileSync(`${DEFAULT_GLYPHS_DIR}/pixels.u8.gz`)));
  const index = JSON.parse(readFileSync(`${DEFAULT_GLYPHS_DIR}/index.json`, 'utf8')) as GlyphIndex;
  const scripts = index.splits.validation;
  const only = (s: string): GlyphDataset<GlyphIndex> => {
    const moved = scripts.filter((x) => x !== s);
    return glyphDatasetFrom<GlyphIndex>(pixels, {
      ...index,
      splits: { ...index.splits, validation: [s], train: [...index.splits.train, ...moved] },
      classes: index.classes.map((c) => (c.split === 'validation' && c.script !== s ? { ...c, split: 'train' as const } : c)),
    });
  };
  return { scripts, only };
}
