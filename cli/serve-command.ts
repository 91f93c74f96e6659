import { resolve } from 'node:path';
import { ModelsDirError, openModelsDir } from '../node/dir-r2';
import { BundleArgError, loadBundles, parseBundleArg } from '../node/bundles';
import { StoreLockedError } from '../node/store-lock';
import { resolveVars, VarsError } from '../node/vars';
import { parse, UsageError } from './bundle/cli-io';
import type { Command } from './command';

const USAGE = `usage: fewshot serve [--port N] [--host ADDR] [--store DIR] [--bundle name=FILE]... [--models DIR] [--keys FILE] [--vars FILE]

The API of the worker (same routes, auth, limits, errors, quotas) on Node, heads in a local store.
  --port N            port (default: $PORT, else 8787; 0 = any free port)
  --host ADDR         address to bind (default 127.0.0.1; anything else needs real keys)
  --store DIR         persistent head store (default .fewshot-store; one server per store)
  --bundle name=FILE  serve FILE as model 'name' (repeatable; replaces an embedded model of that name)
  --models DIR        also serve the models published with 'fewshot models publish FILE --name NAME
                      --dir DIR' (publish/rollback picked up within MODELS_REFRESH_SECONDS, default 30)
  --keys FILE         API_KEYS as JSON: {"<sha256 hex of key>": "<tenant>"}
  --vars FILE         KEY=VALUE lines (HEAD_TTL_SECONDS, MAX_*, RATE_LIMITS, API_KEYS...)
Vars also come from ./.dev.vars and the environment (docs/deploy.md); with no keys anywhere the
local key 'local-dev-key' (tenant 'local') works on loopback; off loopback that key is refused
wherever it comes from (npm start puts it in .dev.vars). SIGINT/SIGTERM/SIGHUP drain and stop; under
npx, npm exec or npm run, so does the npm wrapper's exit.`;

function portOf(raw: string | undefined): number {
  const v = raw ?? '8787';
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new UsageError(`--port must be an integer 0-65535, got '${v}'`);
  return Number(v);
}

async function run(argv: string[]): Promise<number> {
  // A closed stderr (a wrapper that exited) must not crash the drain and leave the store locked.
  process.stderr.on('error', () => undefined);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { values } = parse(
    argv,
    { port: { type: 'string' }, host: { type: 'string' }, store: { type: 'string' }, bundle: { type: 'string', multiple: true }, models: { type: 'string' }, keys: { type: 'string' }, vars: { type: 'string' } },
    0,
  );
  const port = portOf((values.port as string | undefined) ?? process.env.PORT);
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const store = resolve((values.store as string | undefined) ?? '.fewshot-store');
  const extra = ((values.bundle as unknown as string[] | undefined) ?? []).map(parseBundleArg);
  const { vars, keysFrom } = resolveVars({ cwd: process.cwd(), env: process.env, host, varsFile: values.vars as string | undefined, keysFile: values.keys as string | undefined });
  const bundles = await loadBundles(extra);
  const modelsDir = values.models as string | undefined;
  if (modelsDir === '') throw new UsageError('--models needs a directory');
  const published = modelsDir !== undefined ? await openModelsDir(modelsDir) : undefined;
  // The app, tfjs and the wasm backend load only now: --help and usage errors stay instant.
  const { startServer } = await import('../node/serve');
  const server = await startServer({ host, port, store, bundles, vars, models: published?.r2 });
  const sweptNote = server.swept.temps + server.swept.expired + server.swept.damaged > 0 ? `; swept ${JSON.stringify(server.swept)}` : '';
  const storeNote = published ? `; published models from ${resolve(modelsDir!)}${published.names.length ? ` (${published.names.join(', ')})` : ' (none yet)'}` : '';
  process.stderr.write(`fewshot serve: listening on ${server.url} (models ${bundles.map((b) => b.name).join(', ')}${storeNote}; store ${store}; keys from ${keysFrom}${sweptNote})\n`);
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (why: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`fewshot serve: ${why}: draining and stopping\n`);
      void server.close().then(done);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGHUP', () => stop('SIGHUP'));
    // npx, npm exec and npm run start this process under `sh -c`, and npm passes a SIGTERM to that
    // sh, which dies without passing it on: the server would outlive its wrapper, holding the port
    // and the store. Under npm (which sets npm_command), losing the parent is taken as a SIGTERM.
    if (process.env.npm_command !== undefined) {
      const parent = process.ppid;
      setInterval(() => process.ppid !== parent && stop('its npm wrapper exited'), 500).unref();
    }
  });
  return 0;
}

/** `fewshot serve`: the worker's API on Node (node/serve.ts). */
export const command: Command = {
  summary: 'serve the API on Node: same routes, auth, quotas; heads in a local store',
  run: async (argv) => {
    try {
      return await run(argv);
    } catch (e) {
      const usage = e instanceof UsageError || e instanceof BundleArgError && /expects|must be|twice/.test(e.message);
      const known = usage || e instanceof BundleArgError || e instanceof VarsError || e instanceof ModelsDirError || e instanceof StoreLockedError || (e as NodeJS.ErrnoException).code === 'EADDRINUSE' || (e as NodeJS.ErrnoException).code === 'EACCES' || (e as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL';
      if (!known) throw e;
      process.stderr.write(`fewshot serve: ${(e as Error).message}${usage ? " (try 'fewshot serve --help')" : ''}\n`);
      return usage ? 2 : 1;
    }
  },
};
