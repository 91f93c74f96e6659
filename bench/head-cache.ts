// The head cache case alone, in Node and in workerd (Miniflare), without the rest of `npm run bench`
// (which runs it too, as part of the warm suite):
//   npx tsx bench/head-cache.ts [--quick] [--no-workerd]
// Prints one JSON object: per runtime, predict() of 5 inputs with the default glyphs model's head
// cache and without it (the head uploaded and its late block folded every call), and with a cache
// that misses every call, p50 in the same process/isolate, interleaved (bench/suite/head-cache.ts).
import { runSingleCase } from './node/single-case';
import { benchHeadCache } from './suite/head-cache';

await runSingleCase('head-cache', '/head-cache', benchHeadCache);
