// The serve guard: the public development key never opens a server to the network, wherever it came from.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_DEV_KEY_HASH, LOCAL_DEV_KEYS, resolveVars, VarsError } from '../../node/vars';

const ROOT = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'fewshot-vars-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const REAL = JSON.stringify({ ['a'.repeat(64)]: 'acme' });
const WITH_DEV = JSON.stringify({ ['a'.repeat(64)]: 'acme', [LOCAL_DEV_KEY_HASH]: 'local' });

/** A working directory holding the .dev.vars that `npm start` creates (a copy of .dev.vars.example). */
function npmStartCwd(): string {
  const cwd = mkdtempSync(join(root, 'cwd-'));
  copyFileSync(join(ROOT, '.dev.vars.example'), join(cwd, '.dev.vars'));
  return cwd;
}
const file = (name: string, text: string) => {
  const f = join(root, name);
  writeFileSync(f, text);
  return f;
};
const refused = (f: () => unknown) => {
  expect(f).toThrow(VarsError);
  expect(f).toThrow(/holds the public development key|local development key only serves loopback/);
};

describe('resolveVars: the development key stays on loopback', () => {
  it('the hash constant is sha256("local-dev-key")', async () => {
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update('local-dev-key').digest('hex')).toBe(LOCAL_DEV_KEY_HASH);
  });

  it('.dev.vars from `npm start`: loopback serves it, 0.0.0.0 and :: refuse it', () => {
    const cwd = npmStartCwd();
    const ok = resolveVars({ cwd, env: {}, host: '127.0.0.1' });
    expect(JSON.parse(ok.vars.API_KEYS!)).toEqual(JSON.parse(LOCAL_DEV_KEYS));
    expect(ok.keysFrom).toBe('.dev.vars');
    for (const host of ['0.0.0.0', '::', '192.168.1.7']) {
      refused(() => resolveVars({ cwd, env: {}, host }));
      expect(() => resolveVars({ cwd, env: {}, host })).toThrow(`API_KEYS from .dev.vars holds the public development key`);
    }
  });

  it('refused from the environment, --vars FILE and --keys FILE too, also beside real keys', () => {
    const cwd = mkdtempSync(join(root, 'cwd-'));
    const host = '0.0.0.0';
    refused(() => resolveVars({ cwd, env: { API_KEYS: LOCAL_DEV_KEYS }, host }));
    refused(() => resolveVars({ cwd, env: { API_KEYS: WITH_DEV }, host }));
    refused(() => resolveVars({ cwd, env: {}, host, varsFile: file('v.vars', `API_KEYS=${WITH_DEV}\n`) }));
    refused(() => resolveVars({ cwd, env: {}, host, keysFile: file('k.json', WITH_DEV) }));
    refused(() => resolveVars({ cwd, env: {}, host })); // no keys at all
  });

  it('real keys replacing the .dev.vars ones open any host', () => {
    const cwd = npmStartCwd();
    const viaKeys = resolveVars({ cwd, env: {}, host: '0.0.0.0', keysFile: file('real.json', REAL) });
    expect(viaKeys.vars.API_KEYS).toBe(REAL);
    const viaEnv = resolveVars({ cwd, env: { API_KEYS: REAL }, host: '0.0.0.0' });
    expect(viaEnv.keysFrom).toBe('the environment');
  });
});
