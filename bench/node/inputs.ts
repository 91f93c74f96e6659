// Request-shaped inputs for case (b), from the real glyphs test split (scripts never seen in
// training): 5-way 5-shot support sets labelled with their characters, and 5 held-out queries.
import { loadGlyphsFromDisk } from '../../cli/glyphs-data';
import { createEpisodeSampler, toApiExamples } from '../../src/data/episodes';
import type { CaseBInputs } from '../suite/case-b';

const round = (v: number): number => Math.round(v * 1000) / 1000;

/** `count` seeded 5-way 5-shot episodes; queries are one image per class of the first episode. */
export async function glyphInputs(count = 8, seed = 2027): Promise<CaseBInputs> {
  const dataset = await loadGlyphsFromDisk();
  const sampler = createEpisodeSampler(dataset, 'test', { ways: 5, shots: 5, queries: 1, seed });
  const supports: CaseBInputs['supports'] = [];
  let queries: number[][] = [];
  for (let e = 0; e < count; e++) {
    const ep = sampler.next();
    const s = toApiExamples(ep.support);
    const names = ep.support.classIds.map((id) => dataset.index.classes[id]!.char);
    supports.push({ inputs: s.inputs.map((r) => r.map(round)), labels: s.labels.map((l) => names[l]!) });
    if (e === 0) queries = toApiExamples(ep.query).inputs.map((r) => r.map(round));
  }
  return { supports, queries };
}
