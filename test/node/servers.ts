// Starts the two servers of the same API for HTTP-level tests: `wrangler dev` (workerd, local mode,
// its own state dir) and `fewshot serve` (Node, the real CLI), each on a free loopback port, in its
// own process group so that stopping it stops its whole tree.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';

export const ROOT = resolve(import.meta.dirname, '../..');

/** The test tenants of vitest.config.ts: sha256(key) → tenant. */
export const API_KEYS = JSON.stringify({
  ed5a18fb8f807f996d649e379d3f35f39c543a91bdbf88c492f2ebd10d4df86c: 'local',
  '39a00d29356083a9c9d65c14652350d61b11d5d2e8582da510887c8e11be08c8': 'alpha',
  '8fd493b2a681a4810d9fd40526a9de960deb255e7bfbb1c4d509d06d6da6ff5b': 'beta',
});

export interface Running {
  name: string;
  base: string;
  child: ChildProcess;
  /** stderr so far (bounded), for failure messages. */
  log(): string;
  /** SIGTERM to the group (SIGKILL after 10 s); resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const freePort = (): Promise<number> =>
  new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });

function supervise(name: string, child: ChildProcess, base: (log: string) => string | undefined): Running {
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    name,
    child,
    get base() {
      return base(err) ?? '';
    },
    log: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, signal);
        } catch {}
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {}
        }, 10_000);
        const code = await exited;
        clearTimeout(t);
        return code;
      }
      return exited;
    },
  };
}

/** Polls GET base/healthz until it answers (any status), the process dies, or `ms` pass. */
export async function waitUp(r: Running, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (r.child.exitCode !== null) throw new Error(`${r.name} exited (${r.child.exitCode}): ${r.log()}`);
    if (r.base) {
      try {
        await fetch(`${r.base}/healthz`, { signal: AbortSignal.timeout(5_000) });
        return;
      } catch {}
    }
    await new Promise((x) => setTimeout(x, 100));
  }
  throw new Error(`${r.name} did not answer within ${ms} ms: ${r.log()}`);
}

/** `wrangler dev --local` on a free port with these vars (they override .dev.vars). */
export async function startWrangler(vars: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'fewshot-wrangler-state-'));
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--local', '--persist-to', state, '--show-interactive-dev-session=false', '--inspector-port', String(await freePort())];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
  const child = spawn(join(ROOT, 'node_modules/.bin/wrangler'), args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const r = supervise('wrangler dev', child, () => `http://127.0.0.1:${port}`);
  const stop = r.stop;
  r.stop = async (s) => {
    const code = await stop(s);
    rmSync(state, { recursive: true, force: true });
    return code;
  };
  await waitUp(r);
  return r;
}

/** `fewshot serve` (bin/fewshot.mjs) on a free port; `vars` go through --vars FILE. */
export async function startFewshot(opts: { store: string; vars?: Record<string, string>; args?: string[]; wait?: boolean }): Promise<Running> {
  const args = [join(ROOT, 'bin/fewshot.mjs'), 'serve', '--port', '0', '--store', opts.store, ...(opts.args ?? [])];
  if (opts.vars) {
    const file = join(mkdtempSync(join(tmpdir(), 'fewshot-vars-')), 'vars');
    writeFileSync(file, Object.entries(opts.vars).map(([k, v]) => `${k}=${v}`).join('\n'));
    args.push('--vars', file);
  }
  const child = spawn(process.execPath, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const r = supervise('fewshot serve', child, (log) => /listening on (http:\/\/\S+)/.exec(log)?.[1]);
  if (opts.wait !== false) await waitUp(r);
  return r;
}
