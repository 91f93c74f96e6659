import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBundle } from '../../src/bundle/index';

const root = fileURLToPath(new URL('../..', import.meta.url));
const torch = join(root, 'test', 'fixtures', 'torch');

function fewshot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin', 'fewshot.mjs'), 'bundle', ...args], { cwd: root }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const oneLine = (s: string): void => expect(s.endsWith('\n') && s.indexOf('\n') === s.length - 1, JSON.stringify(s)).toBe(true);

describe('fewshot bundle create / import-torch', () => {
  it('create --kind embedding writes a bundle with the requested settings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewshot-create-'));
    const out = join(dir, 'e.fsb');
    const r = await fewshot('create', '--kind', 'embedding', '--dim', '768', '--normalize', 'l2', '--scale', '3', '--steps', '15', '--lr', '1', '--max-classes', '20', '--name', 'support-intents', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`wrote ${out}: ${readFileSync(out).length} bytes, embedding input [768], normalize l2, 15 steps at lr 1\n`);
    const m = await decodeBundle(readFileSync(out));
    expect(m.name).toBe('support-intents');
    expect(m.spec.body).toEqual([{ kind: 'l2Normalize', scale: 3 }]);
    expect(m.defaults).toMatchObject({ steps: 15, lr: 1, headInit: 'prototype', scope: 'head', limits: { maxClasses: 20 } });
    const none = join(dir, 'n.fsb');
    expect((await fewshot('create', '--kind', 'embedding', '--dim', '16', '--normalize', 'none', '--out', none)).code).toBe(0);
    expect((await decodeBundle(readFileSync(none))).spec.body).toEqual([]);
  });

  it('usage errors exit 2 with one line and write nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewshot-create-'));
    const out = join(dir, 'x.fsb');
    const bad: [string[], RegExp][] = [
      [['--dim', '8', '--out', out], /--kind embedding is required/],
      [['--kind', 'embedding', '--out', out], /--dim D is required/],
      [['--kind', 'embedding', '--dim', '8'], /--out FILE is required/],
      [['--kind', 'embedding', '--dim', '8x', '--out', out], /--dim must be a positive integer \(got "8x"\)/],
      [['--kind', 'embedding', '--dim', '70000', '--out', out], /dim must be an integer in \[1, 65536\]/],
      [['--kind', 'embedding', '--dim', '8', '--normalize', 'l1', '--out', out], /--normalize must be one of l2\|none/],
      [['--kind', 'embedding', '--dim', '8', '--steps=-1', '--out', out], /--steps must be a non-negative integer \(got "-1"\)/],
      [['--kind', 'embedding', '--dim', '8', '--bogus', '--out', out], /unknown option '--bogus'/],
    ];
    for (const [args, why] of bad) {
      const r = await fewshot('create', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(why);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('import-torch writes a bundle; a bad mapping exits 1 with one line naming the key and leaves --out untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewshot-torch-'));
    const out = join(dir, 'cnn4.fsb');
    const r = await fewshot('import-torch', join(torch, 'cnn4.safetensors'), '--spec', join(torch, 'cnn4.spec.json'), '--name', 'my-cnn4', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/14 tensors, 1237 parameters \(classification, head init learned\)/);
    const m = await decodeBundle(readFileSync(out));
    expect(m.name).toBe('my-cnn4');
    expect(m.provenance).toMatchObject({ importedFrom: 'pytorch', source: 'cnn4' });
    const before = readFileSync(out);
    const spec = JSON.parse(readFileSync(join(torch, 'cnn4.spec.json'), 'utf8'));
    delete spec.modules['body/bn1'];
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(spec));
    const bad = await fewshot('import-torch', join(torch, 'cnn4.safetensors'), '--spec', join(dir, 'bad.json'), '--out', out);
    expect(bad.code).toBe(1);
    oneLine(bad.stderr);
    expect(bad.stderr).toMatch(/cnn4\.safetensors: torch_mapping: body\/bn1\/gamma ← 'bn1\.weight': no such key/);
    expect(readFileSync(out).equals(before)).toBe(true);
    const usage = await fewshot('import-torch', join(torch, 'cnn4.safetensors'), '--out', join(dir, 'y.fsb'));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--spec SPEC\.json is required/);
    expect(existsSync(join(dir, 'y.fsb'))).toBe(false);
  });

  it('--help lists both subcommands', async () => {
    const r = await fewshot('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fewshot bundle create --kind embedding --dim D');
    expect(r.stdout).toContain('fewshot bundle import-torch FILE.pth|FILE.pt|FILE.safetensors --spec SPEC.json');
  });
});
