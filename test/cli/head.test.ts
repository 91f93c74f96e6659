import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeHead, headToJson } from '../../src/head/index';
import { fewshotInProcess as fewshot, isOneLine } from './run-in-process';

const FIXTURE = 'test/fixtures/cli-head';
const dir = mkdtempSync(join(tmpdir(), 'fewshot-head-'));
const file = (name: string, content?: unknown): string => {
  const p = join(dir, name);
  if (content !== undefined) writeFileSync(p, typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content));
  return p;
};
const apiBody = JSON.parse(readFileSync('examples/glyphs-adapt.json', 'utf8')) as { user: string; support: { inputs: number[][]; labels: string[] } };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('one head format: the CLI writes and reads binary heads', () => {
  it('adapt on the API request body makes the committed fixture byte for byte; the plain support set makes the same head', async () => {
    const r = await fewshot('adapt', '--bundle', 'bundles/glyphs.fsb', '--support', 'examples/glyphs-adapt.json', '--out', file('api.fshd'));
    expect(r.code, r.err).toBe(0);
    const fixture = readFileSync(`${FIXTURE}/glyphs.fshd`);
    expect(readFileSync(file('api.fshd')).equals(fixture)).toBe(true);
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({ labels: ['ᛘ', 'Ꮌ', 'ល'], steps: 10, bytes: fixture.length });
    expect(summary.headId).toBe(JSON.parse(readFileSync(`${FIXTURE}/glyphs-predict.json`, 'utf8')).headId);
    const plain = await fewshot('adapt', '--bundle', 'bundles/glyphs.fsb', '--support', file('plain.json', apiBody.support), '--out', file('plain.fshd'));
    expect(plain.code, plain.err).toBe(0);
    expect(readFileSync(file('plain.fshd')).equals(fixture)).toBe(true);
    expect(JSON.parse(plain.out).headId).toBe(summary.headId);
  });

  it("the body's steps and lr apply; --steps and --lr win over them", async () => {
    const body = file('body.json', { ...apiBody, steps: 2, lr: 0.05 });
    const a = await fewshot('adapt', '--bundle', 'bundles/glyphs.fsb', '--support', body, '--out', file('a.fshd'));
    expect(JSON.parse(a.out)).toMatchObject({ steps: 2, lr: 0.05 });
    const b = await fewshot('adapt', '--bundle', 'bundles/glyphs.fsb', '--support', body, '--steps', '1', '--lr', '0.2', '--out', file('b.fshd'));
    expect(JSON.parse(b.out)).toMatchObject({ steps: 1, lr: 0.2 });
  });

  it('predict reads the binary head and prints what the fixture recorded', async () => {
    const r = await fewshot('predict', '--bundle', 'bundles/glyphs.fsb', '--head', `${FIXTURE}/glyphs.fshd`, '--inputs', `${FIXTURE}/inputs.json`);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual(JSON.parse(readFileSync(`${FIXTURE}/glyphs-predict.json`, 'utf8')));
  });

  it('head inspect prints a summary, and --json the full JSON view of the same bytes', async () => {
    const bytes = readFileSync(`${FIXTURE}/glyphs.fshd`);
    const head = await decodeHead(new Uint8Array(bytes));
    const human = await fewshot('head', 'inspect', `${FIXTURE}/glyphs.fshd`);
    expect(human.code).toBe(0);
    for (const s of [head.modelId, 'classification · scope late', '"ᛘ", "Ꮌ", "ល"', 'body/conv4/kernel  [3,3,32,32]', 'head/out/kernel  [32,3]', `(${bytes.length} bytes, fshd v1)`]) expect(human.out).toContain(s);
    const j = await fewshot('head', 'inspect', `${FIXTURE}/glyphs.fshd`, '--json');
    expect(j.out.trim().split('\n')).toHaveLength(1);
    const view = JSON.parse(j.out);
    expect(view).toEqual({ ...headToJson(head), headId: JSON.parse(readFileSync(`${FIXTURE}/glyphs-predict.json`, 'utf8')).headId, bytes: bytes.length });
  });

  it('refuses JSON heads (legacy head.json) and a .json --out, one line each, writing nothing', async () => {
    const legacy = file('head.json', { format: 'fewshot-head', version: 1, modelId: 'x', task: 'classification', labels: [], scope: 'head', params: {} });
    for (const argv of [['head', 'inspect', legacy], ['predict', '--bundle', 'bundles/glyphs.fsb', '--head', legacy, '--inputs', `${FIXTURE}/inputs.json`]]) {
      const r = await fewshot(...argv);
      expect(r.code).toBe(1);
      expect(isOneLine(r.err), r.err).toBe(true);
      expect(r.err).toMatch(/is a JSON head .*re-run 'fewshot adapt \.\.\. --out FILE\.fshd'/);
    }
    const out = await fewshot('adapt', '--bundle', 'bundles/glyphs.fsb', '--support', 'examples/glyphs-adapt.json', '--out', file('new.json'));
    expect(out.code).toBe(2);
    expect(isOneLine(out.err)).toBe(true);
    expect(out.err).toMatch(/heads are binary now .*fewshot head inspect FILE --json/);
    expect(existsSync(file('new.json'))).toBe(false);
    const corrupt = readFileSync(`${FIXTURE}/glyphs.fshd`);
    corrupt[corrupt.length >> 1]! ^= 1;
    const c = await fewshot('head', 'inspect', file('corrupt.fshd', corrupt));
    expect([c.code, isOneLine(c.err)]).toEqual([1, true]);
    expect(c.err).toMatch(/corrupt\.fshd: checksum/);
  });

  it('a file that is not a head says what it is: a support file, the JSON view head inspect wrote, a bundle', async () => {
    const view = await fewshot('head', 'inspect', `${FIXTURE}/glyphs.fshd`, '--json');
    const viewFile = file('view.json', view.out);
    const predict = (head: string) => fewshot('predict', '--bundle', 'bundles/glyphs.fsb', '--head', head, '--inputs', `${FIXTURE}/inputs.json`);
    // One at a time: in-process runs share stdout/stderr.
    const support = await predict('examples/glyphs-adapt.json');
    const plain = await predict(file('plain-support.json', apiBody.support));
    const printed = await predict(viewFile);
    const bundle = await predict('bundles/glyphs.fsb');
    for (const r of [support, plain, printed, bundle]) {
      expect(r.code).toBe(1);
      expect(isOneLine(r.err), r.err).toBe(true);
      expect(r.err).not.toMatch(/old head\.json/);
    }
    expect(support.err).toBe("fewshot predict: --head examples/glyphs-adapt.json is an adapt request body (a support file), not a binary head (.fshd): make a head from it with 'fewshot adapt --bundle FILE --support examples/glyphs-adapt.json --out FILE.fshd'\n");
    expect(plain.err).toMatch(/is a support set \{inputs, labels\}, not a binary head \(\.fshd\): make a head from it with 'fewshot adapt/);
    expect(printed.err).toBe(`fewshot predict: --head ${viewFile} is the JSON view of a head (what 'fewshot head inspect --json' prints), not a binary head (.fshd): give the .fshd file it was printed from\n`);
    expect(bundle.err).toBe('fewshot predict: --head bundles/glyphs.fsb is a weight bundle (.fsb), not a binary head (.fshd): it goes to --bundle (swapped --head and --bundle?)\n');
  });

  it('an API body with a bad support set says what is wrong (not empty_support)', async () => {
    const r = await fewshot('adapt', '--bundle', 'bundles/glyphs.fsb', '--support', file('bad-body.json', { user: 'u', support: [] }), '--out', file('never.fshd'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/support must be an object/);
    const none = await fewshot('adapt', '--bundle', 'bundles/glyphs.fsb', '--support', file('other.json', { rows: [] }), '--out', file('never.fshd'));
    expect(none.err).toMatch(/expected \{inputs, labels\} or an adapt request body/);
    expect(existsSync(file('never.fshd'))).toBe(false);
  });
});
