/**
 * `npm start [-- --port N --host ADDR ...]` (or PORT=N): the worker under `wrangler dev` in local mode
 * on 127.0.0.1:8787 by default. Creates .dev.vars from .dev.vars.example when absent (the local key).
 * Other arguments go to wrangler dev as they are.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startPlan, StartUsageError } from './start-args';

const ROOT = resolve(import.meta.dirname, '..');

let plan;
try {
  plan = startPlan(process.argv.slice(2), process.env);
} catch (e) {
  if (!(e instanceof StartUsageError)) throw e;
  process.stderr.write(`npm start: ${e.message} (usage: npm start [-- --port N] [--host ADDR] [wrangler dev options])\n`);
  process.exit(2);
}
if (!existsSync(join(ROOT, '.dev.vars'))) copyFileSync(join(ROOT, '.dev.vars.example'), join(ROOT, '.dev.vars'));
const child = spawn(join(ROOT, 'node_modules/.bin/wrangler'), plan.wranglerArgs, {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
});
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => child.kill(s));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
