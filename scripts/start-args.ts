/**
 * Arguments of `npm start` → `wrangler dev`: --port/--host (or PORT/HOST) are taken out, checked, and
 * given to wrangler once (it refuses a repeated --port); everything else passes through untouched.
 */
export class StartUsageError extends Error {}

export interface StartPlan {
  host: string;
  port: number;
  wranglerArgs: string[];
}

function port(v: string, from: string): number {
  if (!/^\d{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) throw new StartUsageError(`${from} must be an integer 1-65535, got '${v}'`);
  return Number(v);
}

/** The wrangler dev arguments for `npm start -- <argv>` with environment `env`. */
export function startPlan(argv: string[], env: Record<string, string | undefined>): StartPlan {
  let p = env.PORT !== undefined && env.PORT !== '' ? port(env.PORT, 'PORT') : 8787;
  let host = env.HOST || '127.0.0.1';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--(port|host|ip)(?:=(.*))?$/.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw new StartUsageError(`--${m[1]} needs a value`);
    if (m[1] === 'port') p = port(value, '--port');
    else host = value;
  }
  return { host, port: p, wranglerArgs: ['dev', '--ip', host, '--port', String(p), '--local', ...rest] };
}
