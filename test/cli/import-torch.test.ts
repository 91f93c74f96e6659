import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBundle } from '../../src/bundle/index';

const root = fileURLToPath(new URL('../..', import.meta.url));
const torch = join(root, 'test', 'fixtures', 'torch');
const dir = mkdtempSync(join(tmpdir(), 'fewshot-import-torch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real CLI in a child process with an empty PATH: no python3 (or anything else) can be spawned. */
function fewshot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin', 'fewshot.mjs'), 'bundle', 'import-torch', ...args], { cwd: root, env: { PATH: '' } }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
const oneLine = (s: string): void => expect(s.endsWith('\n') && s.indexOf('\n') === s.length - 1, JSON.stringify(s)).toBe(true);

describe('fewshot bundle import-torch FILE.pth', () => {
  it('the learn2learn CNN4 and OmniglotCNN layouts import from .pth to the same bundle bytes as from .safetensors', async () => {
    for (const name of ['cnn4', 'omniglotcnn']) {
      const spec = join(torch, `${name}.spec.json`);
      const a = await fewshot(join(torch, `${name}.pth`), '--spec', spec, '--out', join(dir, `${name}-pth.fsb`));
      const b = await fewshot(join(torch, `${name}.safetensors`), '--spec', spec, '--out', join(dir, `${name}-st.fsb`));
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      expect(a.stdout.replace('-pth.fsb', '')).toBe(b.stdout.replace('-st.fsb', ''));
      expect(readFileSync(join(dir, `${name}-pth.fsb`)).equals(readFileSync(join(dir, `${name}-st.fsb`)))).toBe(true);
      expect((await decodeBundle(readFileSync(join(dir, `${name}-pth.fsb`)))).provenance).toMatchObject({ importedFrom: 'pytorch', source: name });
    }
  });

  it('a training checkpoint imports with --key state_dict --strip-prefix module., to the same bytes', async () => {
    const spec = join(torch, 'cnn4.spec.json');
    const out = join(dir, 'cnn4-train.fsb');
    const r = await fewshot(join(torch, 'cnn4-train.pt'), '--spec', spec, '--key', 'state_dict', '--strip-prefix', 'module.', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const ref = join(dir, 'cnn4-ref.fsb');
    // The bundle records the file's stem as its source: compare with the safetensors under the same stem.
    writeFileSync(join(dir, 'cnn4-train.safetensors'), readFileSync(join(torch, 'cnn4.safetensors')));
    expect((await fewshot(join(dir, 'cnn4-train.safetensors'), '--spec', spec, '--out', ref)).code).toBe(0);
    expect(readFileSync(out).equals(readFileSync(ref))).toBe(true);
    const bare = await fewshot(join(torch, 'cnn4-train.pt'), '--spec', spec, '--out', join(dir, 'nokey.fsb'));
    expect(bare.code).toBe(1);
    oneLine(bare.stderr);
    expect(bare.stderr).toMatch(/cnn4-train\.pt: torch_mapping: 'epoch' is an int, not a tensor: this is not a state dict; pick the state dict with --key/);
    expect(existsSync(join(dir, 'nokey.fsb'))).toBe(false);
  });

  it('a hostile checkpoint is refused in one line naming the global; nothing is written, nothing runs', async () => {
    const r = await fewshot(join(torch, 'hostile.pth'), '--spec', join(torch, 'cnn4.spec.json'), '--out', join(dir, 'hostile.fsb'));
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/hostile\.pth: pickle_refused: refusing global posix\.system/);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'hostile.fsb'))).toBe(false);
  });

  it('usage: --help exits 0; a wrong flag or an empty --key exits 2 with one line', async () => {
    const help = await fewshot('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--key K');
    expect(help.stdout).toContain('--strip-prefix P');
    for (const args of [['x.pth', '--spec', 's.json', '--out', 'o.fsb', '--prefix', 'm.'], ['x.pth', '--spec', 's.json', '--out', 'o.fsb', '--key', '']]) {
      const r = await fewshot(...args);
      expect(r.code, args.join(' ')).toBe(2);
      oneLine(r.stderr);
    }
  });
});
