/**
 * Writes the request bodies the README's curl examples send: a 3-way 2-shot glyph support set from
 * the test scripts (never seen in training), a held-out query per class, and a sinusoid task.
 * Usage: npx tsx scripts/make-examples.ts   (deterministic: seeded)
 */
import { writeFileSync } from 'node:fs';
import { loadGlyphsFromDisk } from '../cli/glyphs-data';
import { createEpisodeSampler, toApiExamples } from '../src/data/episodes';

const round = (v: number) => Math.round(v * 1000) / 1000;
const rows = (inputs: number[][]) => inputs.map((r) => r.map(round));

const dataset = await loadGlyphsFromDisk();
const ep = createEpisodeSampler(dataset, 'test', { ways: 3, shots: 2, queries: 1, seed: 2026 }).next();
const support = toApiExamples(ep.support);
const query = toApiExamples(ep.query);
const names = ep.support.classIds.map((id) => dataset.index.classes[id]!.char);
const label = (i: number) => names[i]!;
writeFileSync('examples/glyphs-adapt.json', `${JSON.stringify({ user: 'alice', support: { inputs: rows(support.inputs), labels: support.labels.map(label) } })}\n`);
writeFileSync('examples/glyphs-predict.json', `${JSON.stringify({ user: 'alice', inputs: rows(query.inputs) })}\n`);
writeFileSync('examples/glyphs-expected.json', `${JSON.stringify({ labels: query.labels.map(label) })}\n`);

const amplitude = 2.5;
const phase = 0.7;
const xs = [-4.5, -3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5];
writeFileSync('examples/sine-adapt.json', `${JSON.stringify({ user: 'bob', support: { inputs: xs.map((x) => [x]), labels: xs.map((x) => round(amplitude * Math.sin(x + phase))) } })}\n`);
writeFileSync('examples/sine-predict.json', `${JSON.stringify({ user: 'bob', inputs: [[-2], [0], [2]] })}\n`);
console.log(`examples/: glyph classes ${names.join(' ')}; queries ${query.labels.map(label).join(' ')}`);
