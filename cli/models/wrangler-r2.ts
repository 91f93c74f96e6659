import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../bundle/cli-io';
import type { R2Like, R2ObjectLike, R2PutOptionsLike } from '../../src/store/r2-like';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `wrangler <args>`; tests inject a fake one to check the exact command lines. */
export type WranglerRunner = (args: string[]) => Promise<RunResult>;

/** The project's own wrangler (node_modules), run with the same Node. */
export const runWrangler: WranglerRunner = (args) =>
  new Promise((resolvePromise, reject) => {
    const bin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/**
 * Wrangler's own reason for a failure, as one line: the text of its `✘ [ERROR]` block (with the lines
 * that continue it), else its last line that is not the "Logs were written to …" footer — which is
 * what it prints last, and says nothing about why (no CLOUDFLARE_API_TOKEN, not logged in, …).
 */
export function wranglerError(r: RunResult): string {
  const lines = `${r.stderr}\n${r.stdout}`.replace(ANSI, '').split(/\r?\n/);
  const at = lines.findIndex((l) => /\[ERROR\]/.test(l));
  if (at >= 0) {
    const block = [lines[at]!.replace(/^.*?\[ERROR\]\s*/, '')];
    for (const l of lines.slice(at + 1)) {
      if (!l.trim()) break;
      block.push(l.trim());
    }
    return block.join(' ').trim();
  }
  const useful = lines.map((l) => l.trim()).filter((l) => l && !/Logs were written to/.test(l));
  return useful.pop() ?? `exit ${r.code}`;
}

/**
 * The remote bucket through `wrangler r2 object get|put|delete --remote` (wrangler's own login or
 * CLOUDFLARE_API_TOKEN). Objects pass through a private temp directory. Wrangler's object commands
 * have no conditional put, so the manifest write is last-writer-wins here: publish from one place.
 */
export class WranglerR2 implements R2Like {
  private dir: string | undefined;
  constructor(
    private readonly bucket: string,
    private readonly run: WranglerRunner = runWrangler,
    private readonly extra: string[] = [],
  ) {}

  private async tmp(): Promise<string> {
    this.dir ??= await mkdtemp(join(tmpdir(), 'fewshot-r2-'));
    return join(this.dir, randomBytes(6).toString('hex'));
  }

  private async wrangler(args: string[]): Promise<RunResult> {
    return this.run(['r2', 'object', ...args, '--remote', ...this.extra]);
  }

  async get(key: string): Promise<R2ObjectLike | null> {
    const file = await this.tmp();
    const r = await this.wrangler(['get', `${this.bucket}/${key}`, '--file', file]);
    if (r.code !== 0) {
      if (/specified key does not exist/i.test(r.stderr + r.stdout)) return null;
      throw new CliError(`wrangler r2 object get ${this.bucket}/${key} failed: ${wranglerError(r)}`);
    }
    const bytes = new Uint8Array(await readFile(file));
    await rm(file, { force: true });
    return { key, size: bytes.length, etag: '', arrayBuffer: async () => bytes.slice().buffer, text: async () => new TextDecoder().decode(bytes) };
  }

  async put(key: string, value: ArrayBuffer | Uint8Array | string, options: R2PutOptionsLike = {}): Promise<{ key: string; etag: string } | null> {
    const file = await this.tmp();
    await writeFile(file, typeof value === 'string' ? value : value instanceof Uint8Array ? value : new Uint8Array(value));
    const type = options.httpMetadata?.contentType;
    const r = await this.wrangler(['put', `${this.bucket}/${key}`, '--file', file, ...(type ? ['--content-type', type] : [])]);
    await rm(file, { force: true });
    if (r.code !== 0) throw new CliError(`wrangler r2 object put ${this.bucket}/${key} failed: ${wranglerError(r)}`);
    return { key, etag: '' };
  }

  async delete(key: string): Promise<void> {
    const r = await this.wrangler(['delete', `${this.bucket}/${key}`]);
    if (r.code !== 0 && !/specified key does not exist/i.test(r.stderr + r.stdout)) throw new CliError(`wrangler r2 object delete ${this.bucket}/${key} failed: ${wranglerError(r)}`);
  }

  async close(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
