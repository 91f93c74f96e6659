import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBundle } from '../../src/bundle/index';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test', 'fixtures');
const tiny = join(fixtures, 'tiny.fsb');

/** Runs `node bin/fewshot.mjs bundle ...` and collects exit code and output. */
function fewshot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin', 'fewshot.mjs'), 'bundle', ...args], { cwd: root, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Exactly one line of text (the contract for every failure). */
const oneLine = (s: string): string => {
  expect(s.endsWith('\n') && s.indexOf('\n') === s.length - 1, JSON.stringify(s)).toBe(true);
  return s;
};

const idOf = (path: string): string => {
  const b = readFileSync(path);
  return createHash('sha256').update(b.subarray(0, b.length - 32)).digest('hex');
};

describe('fewshot bundle', () => {
  it('inspect prints name, task, shapes, layers, tensors, adaptation defaults, provenance and sizes', async () => {
    const r = await fewshot('inspect', join(fixtures, 'tiny-int8.fsb'));
    expect(r.code).toBe(0);
    for (const s of ['tiny  (fsb 1.0)', 'classification, input [16] → embedding [32]', 'dense fc1(32) → relu', 'dense out(ways)', 'scope head · 10 steps · lr 0.5 (scalar) · head init prototype', 'steps 0..100 · lr 0.0001..10 · ≤ 50 classes · ≤ 500 examples', 'algorithm fixture', 'seed 1', 'date 2026-01-01T00:00:00.000Z']) {
      expect(r.stdout).toContain(s);
    }
    expect(r.stdout).toMatch(/body\/fc1\/kernel\s+int8\s+\[16,32\]\s+672\s+per-channel \(axis 1, 32\)/);
    expect(r.stdout).toMatch(/body\/fc1\/bias\s+f32\s+\[32\]\s+128/);
    expect(r.stdout).toContain(`${readFileSync(join(fixtures, 'tiny-int8.fsb')).length} B`);
    expect(r.stdout).toContain(idOf(join(fixtures, 'tiny-int8.fsb')));
  });

  it('inspect --json gives the same facts as a JSON object', async () => {
    const r = await fewshot('inspect', join(fixtures, 'tiny-sine.fsb'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ id: idOf(join(fixtures, 'tiny-sine.fsb')), format: 'fsb 1.0', name: 'tiny-sine', parameters: 25, defaults: { lrMode: 'per-parameter', scope: 'all' } });
    expect(j.tensors.map((t: { name: string }) => t.name)).toContain('lr/head/out/kernel');
  });

  it('verify prints "ok <id>" for a good bundle', async () => {
    const r = await fewshot('verify', tiny);
    expect(r).toEqual({ code: 0, stdout: `ok ${idOf(tiny)}\n`, stderr: '' });
  });

  it('verify exits 1 with one line naming the problem for corrupt, truncated, foreign and missing files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsb-cli-'));
    const bytes = readFileSync(tiny);
    const cases: [string, Uint8Array, RegExp][] = [
      ['flipped.fsb', Uint8Array.from(bytes, (b, i) => (i === 900 ? b ^ 4 : b)), /checksum_mismatch/],
      ['short.fsb', bytes.subarray(0, 1000), /truncated/],
      ['long.fsb', Buffer.concat([bytes, Buffer.from('x')]), /trailing_bytes/],
      ['foreign.fsb', new TextEncoder().encode('{"not": "a bundle"}'), /bad_magic/],
    ];
    for (const [name, data, why] of cases) {
      writeFileSync(join(dir, name), data);
      const r = await fewshot('verify', join(dir, name));
      expect(r.code, name).toBe(1);
      expect(r.stdout).toBe('');
      expect(oneLine(r.stderr)).toMatch(why);
      expect(r.stderr).toContain(name);
    }
    const missing = await fewshot('verify', join(dir, 'nope.fsb'));
    expect(missing.code).toBe(1);
    expect(oneLine(missing.stderr)).toMatch(/cannot read .*nope\.fsb: ENOENT/);
  });

  it('wrong usage exits 2 with one line', async () => {
    for (const args of [[], ['frobnicate'], ['verify'], ['verify', tiny, '--bogus'], ['quantize', tiny, '--out', 'x.fsb'], ['quantize', tiny, '--dtype', 'int4', '--out', 'x.fsb'], ['export', tiny, '--format', 'yaml'], ['import-tfjs', 'model.json']]) {
      const r = await fewshot(...args);
      expect(r.code, args.join(' ')).toBe(2);
      oneLine(r.stderr);
    }
  });

  it('quantize writes a verified copy, never touches the input, and never leaves partial files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsb-cli-'));
    const input = join(dir, 'sine.fsb');
    copyFileSync(join(fixtures, 'tiny-sine.fsb'), input);
    const before = readFileSync(input);
    const same = await fewshot('quantize', input, '--dtype', 'int8', '--out', join(dir, '.', 'sine.fsb'));
    expect(same.code).toBe(2);
    expect(oneLine(same.stderr)).toMatch(/refusing to overwrite the input/);
    const out = join(dir, 'sine-int8.fsb');
    // A model this small grows (per-channel scales and the header outweigh the saved bytes): --force.
    const r = await fewshot('quantize', input, '--dtype', 'int8', '--out', out, '--force');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1\.\d+× of/);
    const q = await decodeBundle(readFileSync(out));
    expect(q.provenance.quantizedFrom).toBe(idOf(input));
    expect(q.storage!.dtypes['head/out/kernel']).toBe('int8');
    expect(readFileSync(input).equals(before)).toBe(true);
    writeFileSync(join(dir, 'bad.fsb'), before.subarray(0, 100));
    const bad = await fewshot('quantize', join(dir, 'bad.fsb'), '--dtype', 'f16', '--out', join(dir, 'never.fsb'));
    expect(bad.code).toBe(1);
    expect(existsSync(join(dir, 'never.fsb'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['bad.fsb', 'sine-int8.fsb', 'sine.fsb']);
  });

  it('export --format tfjs → import-tfjs gives the shipped int8 glyphs bundle back byte for byte (same id)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsb-cli-'));
    const src = join(root, 'bundles', 'glyphs-int8.fsb');
    expect((await fewshot('export', src, '--format', 'tfjs', '--out', join(dir, 'tfjs'))).code).toBe(0);
    const r = await fewshot('import-tfjs', join(dir, 'tfjs', 'model.json'), '--out', join(dir, 'back.fsb'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`id ${idOf(src)}`);
    expect(readFileSync(join(dir, 'back.fsb')).equals(readFileSync(src))).toBe(true);
  });

  it('quantize refuses to write a bigger bundle (int8 → f16) unless --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsb-cli-'));
    const r = await fewshot('quantize', join(fixtures, 'tiny-int8.fsb'), '--dtype', 'f16', '--out', join(dir, 'f16.fsb'));
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/refusing to write .*f16 would be [\d.]+× the input .*--force/);
    expect(existsSync(join(dir, 'f16.fsb'))).toBe(false);
    const forced = await fewshot('quantize', join(fixtures, 'tiny-int8.fsb'), '--dtype', 'f16', '--out', join(dir, 'f16.fsb'), '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'f16.fsb')).length).toBeGreaterThan(readFileSync(join(fixtures, 'tiny-int8.fsb')).length);
  });

  it('export --format json gives spec, defaults, provenance and every tensor with its values', async () => {
    const r = await fewshot('export', join(fixtures, 'tiny-sine.fsb'), '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const m = await decodeBundle(readFileSync(join(fixtures, 'tiny-sine.fsb')));
    expect(j).toMatchObject({ id: m.id, name: m.name, spec: m.spec, defaults: m.defaults, provenance: m.provenance });
    expect(Object.keys(j.tensors).sort()).toEqual(Object.keys(m.tensors).sort());
    for (const [name, t] of Object.entries(m.tensors)) {
      expect(j.tensors[name].shape).toEqual(t.shape);
      expect(Float32Array.from(j.tensors[name].values)).toEqual(t.data);
    }
  });

  it('export --format json --out FILE says what it wrote, as --format tfjs does; the file is the stdout JSON', async () => {
    const src = join(fixtures, 'tiny-sine.fsb');
    const dir = mkdtempSync(join(tmpdir(), 'fewshot-export-'));
    const out = join(dir, 'tiny-sine.json');
    const r = await fewshot('export', src, '--format', 'json', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const m = await decodeBundle(readFileSync(src));
    expect(oneLine(r.stdout)).toBe(`wrote ${out}: ${readFileSync(out).length} bytes, ${Object.keys(m.tensors).length} tensors (regression), id ${m.id}\n`);
    expect(readFileSync(out, 'utf8')).toBe((await fewshot('export', src, '--format', 'json')).stdout);
  });

  it('says "1 output", not "1 outputs" (bundle inspect of a regression bundle)', async () => {
    const r = await fewshot('inspect', join(root, 'bundles', 'sine-maml.fsb'));
    expect(r.stdout).toMatch(/→ 1 output\n/);
  });

  it("inspect names the default model's 1-shot views and its per-shot distances", async () => {
    const r = await fewshot('inspect', join(root, 'bundles', 'glyphs.fsb'));
    expect(r.stdout).toMatch(/1-example classes with 3-pixel shifted views/);
    expect(r.stdout).toMatch(/unknown beyond distance [0-9.]+ \(1-shot\)/);
  });

  it('import-tfjs reads model.json and its shards; export --format tfjs and re-import give the same weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsb-cli-'));
    const out = join(dir, 'imported.fsb');
    const r = await fewshot('import-tfjs', join(fixtures, 'tfjs', 'model.json'), '--out', out, '--name', 'from-tfjs');
    expect(r.code).toBe(0);
    const m = await decodeBundle(readFileSync(out));
    expect(m.name).toBe('from-tfjs');
    expect(m.spec.task).toBe('classification');
    const ex = await fewshot('export', out, '--format', 'tfjs', '--out', join(dir, 'tfjs'));
    expect(ex.code).toBe(0);
    const back = join(dir, 'back.fsb');
    expect((await fewshot('import-tfjs', join(dir, 'tfjs', 'model.json'), '--out', back)).code).toBe(0);
    // The metadata in model.json brings back the same name, defaults and provenance: the same bundle.
    expect(idOf(back)).toBe(idOf(out));
    const plain = await fewshot('import-tfjs', join(dir, 'tfjs', 'model.json'), '--out', join(dir, 'never.fsb'), '--head-init', 'prototype');
    expect([plain.code, oneLine(plain.stderr)]).toEqual([2, expect.stringMatching(/exported by fewshot/)]);
    const m2 = await decodeBundle(readFileSync(back));
    for (const [name, t] of Object.entries(m.tensors)) expect(m2.tensors[name]!.data).toEqual(t.data);
    const q = await fewshot('import-tfjs', join(fixtures, 'tfjs', 'model-uint8.json'), '--out', join(dir, 'proto.fsb'), '--head-init', 'prototype');
    expect(q.code).toBe(0);
    expect((await decodeBundle(readFileSync(join(dir, 'proto.fsb')))).spec.head[0]).toMatchObject({ units: 'ways' });
    writeFileSync(join(dir, 'tfjs', 'weights.bin'), new Uint8Array(10));
    const broken = await fewshot('import-tfjs', join(dir, 'tfjs', 'model.json'), '--out', join(dir, 'never.fsb'));
    expect(broken.code).toBe(1);
    expect(oneLine(broken.stderr)).toMatch(/tfjs_bad_weights/);
    expect(existsSync(join(dir, 'never.fsb'))).toBe(false);
  });
});
