import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDemo } from '../../scripts/serve-demo';
import type { DemoServer } from '../../scripts/serve-demo';

let root: string;
let server: DemoServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'serve-demo-'));
  const dist = join(root, 'dist');
  mkdirSync(join(dist, 'demo'), { recursive: true });
  mkdirSync(join(dist, 'browser'));
  writeFileSync(join(dist, 'demo/index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dist, 'browser/k.wasm'), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  writeFileSync(join(root, 'secret.txt'), 'outside?'); // beside the served folder, not in it
  server = await serveDemo({ root: dist });
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('serve-demo', () => {
  it('listens on loopback and redirects / to the demo', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/demo/');
  });

  it('serves .wasm as application/wasm and every response with a CSP that allows wasm and nothing eval-like', async () => {
    const res = await fetch(`${server.url}/browser/k.wasm`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toContain("'unsafe-eval'");
    const page = await fetch(`${server.url}/demo/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>x</title>');
  });

  it('never serves outside its root and refuses writes', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/demo/%2e%2e%2f%2e%2e%2fsecret.txt', '/..%2fsecret.txt']) {
      const res = await fetch(server.url + p);
      expect([403, 404]).toContain(res.status);
      expect(await res.text()).not.toContain('outside?');
    }
    expect((await fetch(`${server.url}/..%2fsecret.txt`)).status).toBe(403);
    expect((await fetch(`${server.url}/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/demo/`, { method: 'POST', body: 'x' })).status).toBe(405);
  });
});
