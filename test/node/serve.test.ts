// `fewshot serve` as an operator runs it: the real CLI in a child process, restarted and killed.
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import glyphsAdapt from '../../examples/glyphs-adapt.json';
import glyphsPredict from '../../examples/glyphs-predict.json';
import { decodeEntry } from '../../node/file-kv';
import { ROOT, startFewshot } from './servers';

const root = mkdtempSync(join(tmpdir(), 'fewshot-serve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const auth = { authorization: 'Bearer local-dev-key', 'content-type': 'application/json' };
const post = async (base: string, path: string, body: unknown) => {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

/** Runs the CLI to completion: exit code and stderr. */
async function cli(args: string[], cwd = root): Promise<{ code: number; stderr: string; stdout: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/fewshot.mjs'), 'serve', ...args], { cwd, timeout: 60_000 });
    return { code: 0, stderr, stdout };
  } catch (e) {
    const x = e as { code: number; stderr: string; stdout: string };
    return { code: x.code, stderr: x.stderr, stdout: x.stdout };
  }
}

describe('fewshot serve', () => {
  it("a user's head survives a restart, and a SIGKILL mid-traffic leaves no torn value", async () => {
    const store = join(root, 'store');
    let s = await startFewshot({ store });
    const a = await post(s.base, '/v1/models/glyphs/adapt', glyphsAdapt);
    expect(a.json.cache).toBe('miss');
    expect(await s.stop()).toBe(0);

    s = await startFewshot({ store });
    const p = await post(s.base, '/v1/models/glyphs/predict', glyphsPredict);
    expect(p.json).toMatchObject({ headId: a.json.headId, cache: 'hit', adapted: false });
    expect((await post(s.base, '/v1/models/glyphs/adapt', glyphsAdapt)).json.cache).toBe('hit');

    // Adapts in flight (each writes a head and a pointer), then SIGKILL: no drain, no lock release.
    const inflight = Array.from({ length: 8 }, (_, i) => post(s.base, '/v1/models/glyphs/adapt', { ...glyphsAdapt, user: `u${i}`, steps: 1 + i }).catch(() => null));
    await new Promise((r) => setTimeout(r, 40));
    await s.stop('SIGKILL');
    await Promise.all(inflight);
    for (const f of readdirSync(join(store, 'kv')).filter((x) => x.endsWith('.kv'))) expect(decodeEntry(readFileSync(join(store, 'kv', f))), f).not.toBeNull();

    s = await startFewshot({ store }); // takes over the dead server's lock, sweeps temp files
    expect(readdirSync(join(store, 'kv')).every((f) => f.endsWith('.kv'))).toBe(true);
    expect((await post(s.base, '/v1/models/glyphs/predict', glyphsPredict)).json.headId).toBe(a.json.headId);
    // A second server on the same store is refused while this one lives.
    const twin = await cli(['--port', '0', '--store', store]);
    expect(twin.code).toBe(1);
    expect(twin.stderr).toMatch(/^fewshot serve: store .* is in use by process \d+\n$/);
    // SIGTERM drains: a request whose body is still arriving when the signal comes gets its answer.
    const body = Buffer.from(JSON.stringify({ ...glyphsAdapt, user: 'slow' }));
    const req = request(`${s.base}/v1/models/glyphs/adapt`, { method: 'POST', headers: { ...auth, 'content-length': body.length } });
    const answered = new Promise<number>((r, j) => req.once('response', (res) => (res.resume(), r(res.statusCode!))).once('error', j));
    req.write(body.subarray(0, 1000));
    await new Promise((r) => setTimeout(r, 300));
    const stopped = s.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(s.child.exitCode).toBeNull(); // still draining
    req.end(body.subarray(1000));
    expect(await answered).toBe(200);
    expect(await stopped).toBe(0);
  });

  it('serves --bundle name=FILE beside the embedded models', async () => {
    const s = await startFewshot({ store: join(root, 'store2'), args: ['--bundle', `tiny=${join(ROOT, 'test/fixtures/tiny.fsb')}`] });
    const h = (await (await fetch(`${s.base}/healthz`)).json()) as { models: { name: string; status: string }[] };
    expect(h.models.map((m) => `${m.name}:${m.status}`)).toEqual(['glyphs:ready', 'sine-maml:ready', 'embed-384:ready', 'tiny:ready']);
    expect(await s.stop()).toBe(0);
  });

  it('usage errors exit 2, bad bundles and unsafe set-ups exit 1, each with one line', async () => {
    const corrupt = join(root, 'corrupt.fsb');
    copyFileSync(join(ROOT, 'test/fixtures/tiny.fsb'), corrupt);
    const bytes = readFileSync(corrupt);
    bytes[bytes.length - 5]! ^= 0xff;
    writeFileSync(corrupt, bytes);
    // The README's flow: `npm start` has copied .dev.vars.example (the public key) to .dev.vars.
    const npmStarted = join(root, 'npm-started');
    mkdirSync(npmStarted);
    copyFileSync(join(ROOT, '.dev.vars.example'), join(npmStarted, '.dev.vars'));
    const [help, flag, port, noEq, bad, open, vars, devVars] = await Promise.all([
      cli(['--help']),
      cli(['--prot', '1']),
      cli(['--port', '99999']),
      cli(['--bundle', 'tiny']),
      cli(['--bundle', `tiny=${corrupt}`, '--store', join(root, 's3')]),
      cli(['--host', '0.0.0.0', '--store', join(root, 's4')]),
      cli(['--vars', join(root, 'nope.vars')]),
      cli(['--host', '0.0.0.0', '--port', '0', '--store', join(root, 's5')], npmStarted),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--bundle name=FILE');
    for (const r of [flag, port, noEq]) {
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(port.stderr).toContain('--port must be an integer 0-65535');
    for (const r of [bad, open, vars, devVars]) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(bad.stderr).toMatch(/^fewshot serve: bundle 'tiny' \(.*corrupt\.fsb\) does not verify: /);
    expect(open.stderr).toContain('--host 0.0.0.0 is reachable from other machines');
    expect(vars.stderr).toContain('cannot read vars file');
    expect(devVars.stderr).toContain('--host 0.0.0.0 is reachable from other machines, but API_KEYS from .dev.vars holds the public development key');
  });
});
