// `fewshot serve --models DIR`: models published with `fewshot models publish --dir DIR` are served
// by a running server, publish and rollback included, with no restart. One server start.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import sineAdapt from '../../examples/sine-adapt.json';
import { ROOT, startFewshot } from './servers';

const root = mkdtempSync(join(tmpdir(), 'fewshot-serve-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const models = join(root, 'models');
const auth = { authorization: 'Bearer local-dev-key', 'content-type': 'application/json' };

/** Runs the CLI to completion: exit code, stdout, stderr. */
async function fewshot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/fewshot.mjs'), ...args], { cwd: root, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

const publish = async (file: string, name: string) => {
  const r = await fewshot('models', 'publish', join(ROOT, file), '--name', name, '--dir', models);
  expect(r.code, r.stderr).toBe(0);
};

describe('fewshot serve --models DIR', () => {
  it('serves what publish writes; publish and rollback reach the running server; a corrupt bundle is that model only', async () => {
    await publish('bundles/sine-metasgd.fsb', 'my-sine');
    await publish('test/fixtures/tiny.fsb', 'broken');
    // Damage the bundle 'broken' points at (the only one besides my-sine's).
    const manifest = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8')) as { models: Record<string, { versions: { key: string }[] }> };
    const brokenFile = join(models, manifest.models.broken!.versions[0]!.key);
    const bytes = readFileSync(brokenFile);
    bytes[bytes.length - 5]! ^= 0xff;
    writeFileSync(brokenFile, bytes);

    const s = await startFewshot({ store: join(root, 'heads'), args: ['--models', models], vars: { MODELS_REFRESH_SECONDS: '0' } });
    try {
      expect(s.log()).toMatch(/published models from .*models \(my-sine, broken\)/);
      const info = async () => (await (await fetch(`${s.base}/v1/models/my-sine`, { headers: auth })).json()) as Record<string, unknown>;
      const res = await fetch(`${s.base}/v1/models/my-sine`, { headers: auth });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ name: 'my-sine', status: 'ready', source: 'store', version: 1 });
      const adapt = await fetch(`${s.base}/v1/models/my-sine/adapt`, { method: 'POST', headers: auth, body: JSON.stringify(sineAdapt) });
      expect(adapt.status).toBe(200);
      expect(((await adapt.json()) as { headId: string }).headId).toMatch(/^[0-9a-f]{64}$/);

      const bad = await fetch(`${s.base}/v1/models/broken/adapt`, { method: 'POST', headers: auth, body: JSON.stringify(sineAdapt) });
      expect(bad.status).toBe(503);
      expect(((await bad.json()) as { code: string }).code).toBe('model_unavailable');
      expect((await info()).status).toBe('ready');

      // A new version replaces the old one in the background: poll (refresh 0 re-reads the manifest every request).
      const until = async (version: number) => {
        const deadline = Date.now() + 20_000;
        let last: Record<string, unknown> = {};
        while (Date.now() < deadline) {
          last = await info();
          if (last.version === version) return last;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`my-sine never reached version ${version}: ${JSON.stringify(last)}`);
      };
      await publish('bundles/sine-pretrained.fsb', 'my-sine');
      expect(await until(2)).toMatchObject({ status: 'ready', source: 'store' });
      const rb = await fewshot('models', 'rollback', 'my-sine', '--dir', models);
      expect(rb.stdout).toContain('version 2 → 1');
      await until(1);
      expect(readdirSync(models).sort()).toEqual(['bundles', 'manifest.json']); // nothing of the server's in the store
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it('a --models path that is not a store directory is one line, exit 1', async () => {
    const file = join(root, 'not-a-dir');
    writeFileSync(file, 'x');
    const [missing, notDir] = await Promise.all([fewshot('serve', '--models', join(root, 'nope'), '--store', join(root, 's1')), fewshot('serve', '--models', file, '--store', join(root, 's2'))]);
    for (const r of [missing, notDir]) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(missing.stderr).toMatch(/^fewshot serve: --models .*nope: no such directory/);
    expect(notDir.stderr).toContain('not a directory');
  });
});
