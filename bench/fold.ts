// The fold case alone, in Node and in workerd (Miniflare), without the rest of `npm run bench` (which
// runs it too, as part of the warm suite):
//   npx tsx bench/fold.ts [--quick] [--no-workerd]
// Prints one JSON object: per runtime, the default glyphs model's body forward (25 images), predict
// (5 inputs) and 5-way 5-shot adapt() with its batch norms folded into fused convolutions and layer
// by layer, p50 in the same process/isolate, interleaved (bench/suite/fold.ts).
import { runSingleCase } from './node/single-case';
import { benchFold } from './suite/fold';

await runSingleCase('fold', '/fold', benchFold);
