import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { readConfig, CONFIG_VARS } from '../worker/config';
import { parseKeyTable } from '../worker/middleware/auth';
import { parseRateLimits } from '../worker/rate-limit/config';

/** sha256("local-dev-key"): public (it is in the repo), so it must never open a server to the network. */
export const LOCAL_DEV_KEY_HASH = 'ed5a18fb8f807f996d649e379d3f35f39c543a91bdbf88c492f2ebd10d4df86c';

/** The key table `npm start` uses (.dev.vars.example): sha256("local-dev-key") → tenant "local". */
export const LOCAL_DEV_KEYS = JSON.stringify({ [LOCAL_DEV_KEY_HASH]: 'local' });

/** A vars or keys problem: the server does not start. */
export class VarsError extends Error {}

/** `KEY=VALUE` lines as in `.dev.vars` (# comments, optional surrounding quotes). */
export function parseDotenv(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(t);
    if (!m) throw new VarsError(`${file}:${i + 1}: expected KEY=VALUE`);
    const v = m[2]!;
    out[m[1]!] = /^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v;
  });
  return out;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new VarsError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export interface ResolvedVars {
  vars: Record<string, string>;
  /** Where API_KEYS came from, for the start-up line. */
  keysFrom: string;
}

const NAMES = [...CONFIG_VARS, 'API_KEYS', 'RATE_LIMITS'];
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/**
 * The worker's vars for `fewshot serve`, later sources winning: `.dev.vars` in the working directory
 * (as wrangler dev reads it), the environment (the names worker/config.ts knows, API_KEYS,
 * RATE_LIMITS), `--vars FILE` (same format), `--keys FILE` (the API_KEYS JSON). With no keys at all
 * the local development key works — on a loopback host only, and that holds wherever the key came
 * from: `npm start` copies it into .dev.vars, so a non-loopback host refuses any table that holds it.
 * Every value is checked now.
 */
export function resolveVars(opts: { cwd: string; env: NodeJS.ProcessEnv; varsFile?: string; keysFile?: string; host: string }): ResolvedVars {
  const vars: Record<string, string> = {};
  let keysFrom = '';
  const take = (src: Record<string, string | undefined>, from: string) => {
    for (const n of NAMES) {
      const v = src[n];
      if (v === undefined) continue;
      vars[n] = v;
      if (n === 'API_KEYS') keysFrom = from;
    }
  };
  const devVars = join(opts.cwd, '.dev.vars');
  if (existsSync(devVars)) take(parseDotenv(readText(devVars, 'vars file'), devVars), '.dev.vars');
  take(opts.env, 'the environment');
  if (opts.varsFile) take(parseDotenv(readText(opts.varsFile, 'vars file'), opts.varsFile), opts.varsFile);
  if (opts.keysFile) {
    vars.API_KEYS = readText(opts.keysFile, 'keys file').trim();
    keysFrom = opts.keysFile;
  }
  if (vars.API_KEYS === undefined) {
    if (!isLoopback(opts.host)) throw new VarsError(`--host ${opts.host} is reachable from other machines: give real keys (--keys FILE or API_KEYS); the local development key only serves loopback`);
    vars.API_KEYS = LOCAL_DEV_KEYS;
    keysFrom = 'the local development key (local-dev-key → tenant local)';
  }
  let table: { hash: Uint8Array }[];
  try {
    table = parseKeyTable(vars.API_KEYS);
    if (table.length === 0) throw new Error('no keys');
  } catch (e) {
    throw new VarsError(`API_KEYS from ${keysFrom} is invalid: ${(e as Error).message}`);
  }
  if (!isLoopback(opts.host) && table.some((k) => Buffer.from(k.hash).toString('hex') === LOCAL_DEV_KEY_HASH)) {
    throw new VarsError(`--host ${opts.host} is reachable from other machines, but API_KEYS from ${keysFrom} holds the public development key (local-dev-key): remove it and give real keys (--keys FILE or API_KEYS)`);
  }
  try {
    readConfig({ ...vars });
  } catch (e) {
    const issue = (e as { issues?: { path: (string | number)[]; message: string }[] }).issues?.[0];
    throw new VarsError(issue ? `var ${issue.path.join('.')}: ${issue.message}` : `vars are invalid: ${(e as Error).message}`);
  }
  try {
    parseRateLimits(vars.RATE_LIMITS);
  } catch (e) {
    throw new VarsError((e as Error).message);
  }
  return { vars, keysFrom };
}
