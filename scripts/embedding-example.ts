/**
 * Writes the request bodies of docs/embeddings.md: user-defined categories ("intents" of a support
 * inbox) over 384-d sentence vectors. A real deployment computes the vectors with a sentence encoder
 * (all-MiniLM-L6-v2 gives 384 numbers); this machine has no network and no model, so the script
 * embeds with a tiny deterministic hashing encoder instead: word and character-trigram features
 * hashed (FNV-1a) into 384 signed buckets. The API does not care where the numbers come from.
 *   npx tsx scripts/embedding-example.ts   → examples/embed-{adapt,predict,expected}.json
 */
import { writeFileSync } from 'node:fs';

export const DIM = 384;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** Bag of words + character trigrams, feature hashing with a sign bit; unnormalised (the model L2-normalises). */
export function hashEmbed(text: string, dim = DIM): number[] {
  const v = new Array<number>(dim).fill(0);
  const add = (feature: string, weight: number): void => {
    const h = fnv1a(feature);
    v[h % dim]! += (h & 0x80000000 ? -1 : 1) * weight;
  };
  for (const word of text.toLowerCase().match(/[a-z0-9']+/g) ?? []) {
    add(`w:${word}`, 1);
    const padded = `<${word}>`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, 0.5);
  }
  return v.map((x) => Math.round(x * 1000) / 1000);
}

export const SUPPORT: [string, string][] = [
  ['I was charged twice for my subscription', 'billing'],
  ['Please refund the payment for last month', 'billing'],
  ['My invoice shows the wrong amount', 'billing'],
  ['Why did my card get charged again?', 'billing'],
  ['Where is my package? It has not arrived', 'shipping'],
  ['The delivery is late by a week', 'shipping'],
  ['Tracking number shows no updates for my parcel', 'shipping'],
  ['Can you ship my order to a different address?', 'shipping'],
  ['I cannot log in to my account', 'account'],
  ['How do I reset my password?', 'account'],
  ['Please change the email address on my account', 'account'],
  ['My login code never arrives', 'account'],
];

export const QUERIES: [string, string][] = [
  ['I got charged two times this month, refund please', 'billing'],
  ['The invoice amount is wrong', 'billing'],
  ['My parcel still has not arrived', 'shipping'],
  ['Is the delivery going to be late?', 'shipping'],
  ['Forgot my password and cannot log in', 'account'],
  ['How can I change my account email?', 'account'],
];

if (process.argv[1]?.endsWith('embedding-example.ts')) {
  const json = (v: unknown): string => `${JSON.stringify(v)}\n`;
  writeFileSync('examples/embed-adapt.json', json({ user: 'carol', support: { inputs: SUPPORT.map(([t]) => hashEmbed(t)), labels: SUPPORT.map(([, l]) => l) } }));
  writeFileSync('examples/embed-predict.json', json({ user: 'carol', inputs: QUERIES.map(([t]) => hashEmbed(t)) }));
  writeFileSync('examples/embed-expected.json', json({ texts: QUERIES.map(([t]) => t), labels: QUERIES.map(([, l]) => l) }));
  console.log(`examples/embed-*.json: ${SUPPORT.length} support sentences, ${QUERIES.length} queries, ${DIM} numbers each`);
}
