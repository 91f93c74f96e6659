import { afterEach, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runModels } from '../../cli/models-command';
import { DirR2 } from '../../node/dir-r2';
import { readBundleHeader } from '../../src/bundle/index';
import type { RunResult } from '../../cli/models/wrangler-r2';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (n: string) => join(root, 'test', 'fixtures', n);
const idOf = async (n: string) => (await readBundleHeader(new Uint8Array(readFileSync(fixture(n))))).id;
const tmp = () => mkdtempSync(join(tmpdir(), 'fewshot-models-'));

function fewshot(...args: string[]): Promise<RunResult> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin', 'fewshot.mjs'), 'models', ...args], { cwd: root }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Runs `fewshot models ...` in this process, capturing what it prints. */
async function models(argv: string[], deps = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    return { code: await runModels(argv, deps), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const oneLine = (s: string) => expect(s.trim().split('\n')).toHaveLength(1);

/** What wrangler 4.86 prints for `r2 object get … --remote` with no CLOUDFLARE_API_TOKEN (recorded, colours and all). */
const NO_TOKEN: RunResult = {
  code: 1,
  stdout: '\n \u26c5\ufe0f wrangler 4.86.0\n\u2500\u2500\u2500\u2500\nResource location: remote \n\nDownloading "manifest.json" from "fewshot-models".\n\n',
  stderr:
    "\x1b[31m\u2718 \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mIn a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN environment variable for wrangler to work. Please go to https://developers.cloudflare.com/fundamentals/api/get-started/create-token/ for instructions on how to create an api token, and assign its value to CLOUDFLARE_API_TOKEN.\x1b[0m\n\n\n\ud83e\udeb5  Logs were written to \"/home/u/.config/.wrangler/logs/wrangler-2026-12-06_22-29-09_094.log\"\n",
};

afterEach(() => vi.restoreAllMocks());

describe('fewshot models', () => {
  it('refuses a corrupt bundle with one line and exit 1, and writes nothing (not even the local store directory)', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.fsb');
    const bytes = readFileSync(fixture('tiny.fsb'));
    bytes[bytes.length - 60]! ^= 0x04;
    writeFileSync(bad, bytes);
    const persist = join(dir, 'state');
    const r = await fewshot('publish', bad, '--name', 'pets', '--local', '--persist-to', persist);
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^fewshot models publish: .*bad\.fsb: refused, not a valid bundle: .*checksum.*nothing was written\n$/);
    expect(existsSync(persist)).toBe(false);
    const store = join(dir, 'store');
    expect((await models(['publish', bad, '--name', 'pets', '--dir', store])).code).toBe(1);
    expect(existsSync(store)).toBe(false);
  });

  it('usage errors exit 2 with one line', async () => {
    const t = fixture('tiny.fsb');
    for (const argv of [[], ['nope'], ['publish', t], ['publish', t, '--name', 'Bad Name'], ['publish', t, '--name', 'x', '--local', '--remote'], ['publish', t, '--name', 'x', '--bogus'], ['rollback', 'x', '--to', 'two', '--dir', tmp()], ['list', 'extra'], ['publish', t, '--name', 'x', '--remote', '--persist-to', 'd']]) {
      const r = await models(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      oneLine(r.stderr);
    }
    const sub = await fewshot('versions');
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/^fewshot models versions: expected 1 argument, got 0 \(usage: fewshot models versions NAME/);
    const help = await fewshot('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('fewshot models publish FILE --name NAME');
  });

  it('publishes, versions, rolls back and removes in the local store npm start serves (Miniflare, same persist layout as wrangler)', async () => {
    const persist = join(tmp(), 'state');
    const at = ['--local', '--persist-to', persist];
    const p1 = await models(['publish', fixture('tiny.fsb'), '--name', 'pets', '--note', 'first', ...at]);
    expect(p1).toMatchObject({ code: 0, stderr: '' });
    expect(p1.stdout).toMatch(/^published pets version 1 \(bundle [0-9a-f]{12}, \d+ bytes\) to local fewshot-models/);
    expect((await models(['publish', fixture('tiny.fsb'), '--name', 'pets', ...at])).stdout).toMatch(/already at version 1/);
    expect((await models(['publish', fixture('tiny-int8.fsb'), '--name', 'pets', ...at])).stdout).toMatch(/version 2/);
    await models(['publish', fixture('tiny-sine.fsb'), '--name', 'waves', ...at]);
    const list = JSON.parse((await models(['list', '--json', ...at])).stdout) as { models: { name: string; version: number; versions: number; bundleId: string }[] };
    expect(list.models.map((m) => [m.name, m.version, m.versions])).toEqual([['pets', 2, 2], ['waves', 1, 1]]);
    expect(list.models[0]!.bundleId).toBe(await idOf('tiny-int8.fsb'));
    expect(readdirSync(join(persist, 'v3', 'r2'))).toContain('fewshot-models'); // wrangler's layout: <persist>/v3/r2/<bucket>
    expect((await models(['rollback', 'pets', ...at])).stdout).toMatch(/pets: version 2 → 1/);
    const v = await models(['versions', 'pets', ...at]);
    expect(v.stdout).toMatch(/^\* 1\s+/m);
    expect(v.stdout).toMatch(/^ {2}2\s+/m);
    expect(v.stdout).toContain('first');
    expect((await models(['rollback', 'pets', '--to', '2', ...at])).stdout).toMatch(/version 1 → 2/);
    const gone = await models(['rollback', 'nope', ...at]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no model 'nope'/);
    expect((await models(['remove', 'pets', ...at])).stdout).toMatch(/removed pets .*\(2 bundles deleted\)/);
    expect(JSON.parse((await models(['list', '--json', ...at])).stdout).models.map((m: { name: string }) => m.name)).toEqual(['waves']);
  });

  it('--dir keeps the store as plain files, written atomically', async () => {
    const store = join(tmp(), 'store');
    expect((await models(['publish', fixture('tiny-sine.fsb'), '--name', 'waves', '--dir', store])).code).toBe(0);
    expect(readdirSync(join(store, 'bundles'))).toEqual([`${await idOf('tiny-sine.fsb')}.fsb`]);
    expect(JSON.parse(readFileSync(join(store, 'manifest.json'), 'utf8')).models.waves.current).toBe(1);
    expect(readdirSync(store).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const r2 = new DirR2(store);
    await expect(r2.get('../outside')).rejects.toThrow(/leaves the store directory/);
    const m = await r2.get('manifest.json');
    expect(await r2.put('manifest.json', '{}', { onlyIf: { etagMatches: 'stale' } })).toBeNull();
    expect((await r2.get('manifest.json'))!.etag).toBe(m!.etag);
    await expect(r2.put('x', 'abc', { sha256: '0'.repeat(64) })).rejects.toThrow(/checksum/);
    expect(await r2.get('x')).toBeNull();
    // A damaged manifest stops every command before it writes anything.
    writeFileSync(join(store, 'manifest.json'), '{"format": "fewshot-models/1", "models": {');
    const r = await models(['publish', fixture('tiny.fsb'), '--name', 'pets', '--dir', store]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^fewshot models publish: manifest: not JSON .*\n$/);
    expect(readdirSync(join(store, 'bundles'))).toEqual([`${await idOf('tiny-sine.fsb')}.fsb`]);
  });

  it('--remote runs wrangler r2 object get/put --remote with the bucket from wrangler.toml', async () => {
    const objects = new Map<string, Uint8Array>();
    const calls: string[][] = [];
    const runner = async (args: string[]): Promise<RunResult> => {
      calls.push(args);
      const [, , op, path] = args;
      const file = args[args.indexOf('--file') + 1]!;
      if (op === 'get') {
        const v = objects.get(path!);
        if (!v) return { code: 1, stdout: '', stderr: '✘ [ERROR] The specified key does not exist.\n' };
        writeFileSync(file, v);
      } else if (op === 'put') objects.set(path!, new Uint8Array(readFileSync(file)));
      return { code: 0, stdout: '', stderr: '' };
    };
    const r = await models(['publish', fixture('tiny.fsb'), '--name', 'pets', '--remote'], { runner, cwd: root });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const id = await idOf('tiny.fsb');
    const config = ['--remote', '--config', join(root, 'wrangler.toml')];
    const shape = (c: string[]) => c.map((a) => (a.includes('fewshot-r2-') ? '<tmp>' : a));
    expect(calls.map(shape)).toEqual([
      ['r2', 'object', 'get', 'fewshot-models/manifest.json', '--file', '<tmp>', ...config],
      ['r2', 'object', 'put', `fewshot-models/bundles/${id}.fsb`, '--file', '<tmp>', '--content-type', 'application/octet-stream', ...config],
      ['r2', 'object', 'get', `fewshot-models/bundles/${id}.fsb`, '--file', '<tmp>', ...config],
      ['r2', 'object', 'put', 'fewshot-models/manifest.json', '--file', '<tmp>', '--content-type', 'application/json', ...config],
    ]);
    expect(JSON.parse(new TextDecoder().decode(objects.get('fewshot-models/manifest.json'))).models.pets.versions[0].bundleId).toBe(id);
    // A wrangler failure (no login) is one line and exit 1, and the manifest is untouched.
    const denied = await models(['publish', fixture('tiny-int8.fsb'), '--name', 'pets', '--remote'], {
      runner: async (a: string[]) => (a[2] === 'put' ? { code: 1, stdout: '', stderr: 'X [ERROR] Not logged in.\n' } : runner(a)),
      cwd: root,
    });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^fewshot models publish: wrangler r2 object put fewshot-models\/bundles\/[0-9a-f]{64}\.fsb failed: Not logged in\.\n$/);
    expect(JSON.parse(new TextDecoder().decode(objects.get('fewshot-models/manifest.json'))).models.pets.current).toBe(1);
    calls.length = 0;
    expect((await models(['remove', 'pets', '--remote'], { runner, cwd: root })).code).toBe(0);
    expect(calls.map(shape).slice(-1)).toEqual([['r2', 'object', 'delete', `fewshot-models/bundles/${id}.fsb`, ...config]]);
    expect(JSON.parse(new TextDecoder().decode(objects.get('fewshot-models/manifest.json'))).models).toEqual({});
  });

  it("--remote failures show wrangler's own reason, not its 'Logs were written to' footer", async () => {
    const r = await models(['list', '--remote'], { runner: async () => NO_TOKEN, cwd: root });
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toContain("failed: In a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN environment variable");
    expect(r.stderr).not.toMatch(/Logs were written|\x1b/);
    // A failure with no [ERROR] block: its last line that is not the footer.
    const plain = await models(['list', '--remote'], { runner: async () => ({ code: 1, stdout: '', stderr: 'Authentication error [code: 10000]\n🪵  Logs were written to "/x.log"\n' }), cwd: root });
    expect(plain.stderr).toMatch(/failed: Authentication error \[code: 10000\]\n$/);
  });
});
