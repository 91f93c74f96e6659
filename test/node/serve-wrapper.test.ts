// `npx fewshot serve` / `npm run fewshot -- serve` end with their npm wrapper: npm sends SIGTERM to the
// `sh -c` it runs the bin under, which dies without passing it on; the server must still stop,
// freeing its port and its store's lock.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './servers';

const root = mkdtempSync(join(tmpdir(), 'fewshot-wrapper-'));
const children: number[] = [];
afterAll(() => {
  for (const pid of children) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
  rmSync(root, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('fewshot serve under npm', () => {
  it('SIGTERM to the npm wrapper stops the server: the port is free and the store lock released', async () => {
    const store = join(root, 'store');
    // The package.json script, as `npm run fewshot -- serve` runs it (npx runs the same bin the same way).
    const npm = spawn('npm', ['run', '-s', 'fewshot', '--', 'serve', '--port', '0', '--store', store], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(npm.pid!);
    let err = '';
    npm.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await until('the server listens', () => /listening on http:\/\/127\.0\.0\.1:\d+/.test(err) || npm.exitCode !== null, 90_000);
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)?.[1]);
    expect(port, err).toBeGreaterThan(0);
    const server = Number(readFileSync(join(store, 'lock'), 'utf8').trim());
    expect(server).not.toBe(npm.pid); // a grandchild: npm → sh → node
    expect(await refused(port)).toBe(false);

    process.kill(npm.pid!, 'SIGTERM');
    await until('the server process exits', () => !alive(server));
    expect(await refused(port)).toBe(true);
    expect(existsSync(join(store, 'lock'))).toBe(false);
    expect(err).toContain('fewshot serve: its npm wrapper exited: draining and stopping');
  });
});
