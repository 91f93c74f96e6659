import { writeFileSync } from 'node:fs';
import { initNodeBackend } from '../../wasm/node';
import { goldenResults } from './golden-case';

// Regenerate only on purpose (an intended change of the engine's arithmetic): npx tsx test/engine/golden-generate.ts
await initNodeBackend();
const results = await goldenResults();
writeFileSync(new URL('./golden.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results)}\n`);
