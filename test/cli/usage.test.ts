import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../cli/bundle/cli-io';
import { HelpRequested, helpText, intFlag, parseUsage, usageLine } from '../../cli/usage';
import { TRAIN_USAGE, defaultName } from '../../cli/train/options';
import { EVAL_USAGE } from '../../cli/eval-command';
import { decodeBundle } from '../../src/bundle/index';
import { fewshotInProcess as fewshot, isOneLine } from './run-in-process';
import type { Usage } from '../../cli/usage';

const COMMANDS = [['adapt'], ['predict'], ['head', 'inspect'], ['bundle', 'inspect'], ['bundle', 'verify'], ['bundle', 'quantize'], ['bundle', 'export'], ['bundle', 'import-tfjs'], ['bundle', 'create'], ['bundle', 'import-torch'], ['eval'], ['train'], ['calibrate'], ['doctor']];
const dir = mkdtempSync(join(tmpdir(), 'fewshot-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the usage machinery (cli/usage.ts)', () => {
  const u: Usage = { command: 'fewshot x', summary: 'S.', args: ['FILE'], flags: { n: { type: 'string', arg: 'N', help: 'a count', required: true }, v: { type: 'boolean', help: 'loud', default: 'off' } } };

  it('generates the usage line and help from the flag table', () => {
    expect(usageLine(u)).toBe('fewshot x FILE --n N [--v]');
    expect(helpText(u)).toContain('--n N');
    expect(helpText(u)).toContain('a count (required)');
    expect(helpText(u)).toContain('loud (default: off)');
  });

  it('--help anywhere is help; unknown flags, missing ones and negative values are one-line usage errors', () => {
    expect(() => parseUsage(u, ['f', '--bogus', '--help'])).toThrow(HelpRequested);
    const fails = (argv: string[]): UsageError => {
      try {
        parseUsage(u, argv);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return e as UsageError;
      }
      throw new Error('accepted');
    };
    expect(fails(['f', '--n', '1', '--bogus']).message).toBe("unknown option '--bogus'");
    expect(fails(['f', '--n', '1', '--bogus']).usage).toBe(usageLine(u));
    expect(fails(['f']).message).toBe('--n N is required');
    expect(fails(['--n', '1']).message).toMatch(/expected 1 file argument/);
    // parseArgs alone calls "-5" ambiguous; here it is the value and the flag's check explains.
    const { values } = parseUsage(u, ['f', '--n', '-5']);
    expect(values.n).toBe('-5');
    expect(() => intFlag(values, 'n', 1)).toThrow('--n must be a positive integer (got "-5")');
    expect(() => intFlag({ steps: 'abc' }, 'steps', 0)).toThrow('--steps must be a non-negative integer (got "abc")');
    expect(() => intFlag({ steps: '2.5' }, 'steps', 0)).toThrow(UsageError);
  });
});

describe('fewshot tells the truth', () => {
  it('--help on every command and subcommand prints its usage on stdout and exits 0', async () => {
    for (const argv of COMMANDS) {
      for (const flag of ['--help', '-h']) {
        const r = await fewshot(...argv, flag);
        expect([r.code, r.err], argv.join(' ')).toEqual([0, '']);
        expect(r.out.startsWith(`usage: fewshot ${argv.join(' ')}`), `${argv.join(' ')}: ${r.out.slice(0, 80)}`).toBe(true);
        expect(r.out).toContain('--help, -h');
      }
    }
    for (const argv of [['--help'], ['help'], ['bundle', '--help'], ['head', '--help'], ['help', 'adapt']]) {
      const r = await fewshot(...argv);
      expect([r.code, r.out.startsWith('usage:')], argv.join(' ')).toEqual([0, true]);
    }
  });

  it('--version prints the package version', async () => {
    const r = await fewshot('--version');
    expect(r).toEqual({ code: 0, out: `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`, err: '' });
  });

  it('an unknown option is one line on stderr and exit 2, for every command (doctor too)', async () => {
    for (const argv of COMMANDS) {
      const r = await fewshot(...argv, '--bogus');
      expect(r.code, argv.join(' ')).toBe(2);
      expect(isOneLine(r.err), r.err).toBe(true);
      expect(r.err).toContain("unknown option '--bogus'");
      expect(r.out).toBe('');
    }
    for (const argv of [[], ['nope'], ['--nope']]) {
      const r = await fewshot(...argv);
      expect([r.code, isOneLine(r.err)], argv.join(' ')).toEqual([2, true]);
    }
  });

  it('bad numbers are usage errors (exit 2) that say what a number must be', async () => {
    const cases: [string[], RegExp][] = [
      [['train', '--task', 'sinusoid', '--algo', 'maml', '--iterations', '-5', '--out', join(dir, 'x.fsb')], /--iterations must be a positive integer \(got "-5"\)/],
      [['train', '--task', 'sinusoid', '--algo', 'maml', '--iterations', '10', '--inner-lr', '-0.1', '--out', join(dir, 'x.fsb')], /--inner-lr must be a non-negative number/],
      [['adapt', '--bundle', 'test/fixtures/tiny.fsb', '--support', 'x.json', '--steps', 'abc', '--out', join(dir, 'h.fshd')], /--steps must be a non-negative integer \(got "abc"\)/],
      [['adapt', '--bundle', 'test/fixtures/tiny.fsb', '--support', 'x.json', '--lr', '-1', '--out', join(dir, 'h.fshd')], /--lr must be a positive number/],
      [['eval', '--bundle', 'bundles/sine-maml.fsb', '--task', 'sinusoid', '--shots', '5', '--steps', '-1'], /--steps must be a non-negative integer/],
      [['eval', '--bundle', 'bundles/sine-maml.fsb', '--task', 'sinusoid', '--shots', 'ten'], /--shots must be a positive integer/],
    ];
    for (const [argv, message] of cases) {
      const r = await fewshot(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(isOneLine(r.err), r.err).toBe(true);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/ambiguous|NaN/);
    }
  });

  it('train: --iterations is required, --help lists every flag it accepts, usage text comes from the table', async () => {
    const r = await fewshot('train', '--task', 'sinusoid', '--algo', 'maml', '--out', join(dir, 'x.fsb'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--iterations N is required/);
    const help = (await fewshot('train', '--help')).out;
    for (const flag of ['--name', '--filters', '--deploy-steps', '--deploy-lr', '--val-episodes', '--val-every', '--checkpoint-every', '--resume', '--meta-batch', '--inner-steps', '--outer-lr']) expect(help).toContain(`${flag} `);
    // Every flag the parser accepts is in the help, and nothing else is.
    const listed = [...help.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]!.slice(2)).filter((f) => f !== 'help');
    expect(listed.sort()).toEqual(Object.keys(TRAIN_USAGE.flags).sort());
    expect(usageLine(TRAIN_USAGE)).toContain('--iterations N [--meta-batch B]');
  });

  it('train names a bundle after its --out file, never after a shipped model', async () => {
    expect(defaultName('/tmp/x/my.fsb')).toBe('my');
    const out = join(dir, 'my-sine.fsb');
    const r = await fewshot('train', '--task', 'sinusoid', '--algo', 'maml', '--iterations', '2', '--meta-batch', '2', '--val-episodes', '0', '--checkpoint-every', '0', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect((await decodeBundle(readFileSync(out))).name).toBe('my-sine');
  });

  it('eval: --steps is optional in the usage, --ways is refused for the sinusoid', async () => {
    expect(usageLine(EVAL_USAGE)).toContain('[--steps S]');
    expect(usageLine(EVAL_USAGE)).toContain('--shots K [');
    const r = await fewshot('eval', '--bundle', 'bundles/sine-maml.fsb', '--task', 'sinusoid', '--ways', '5', '--shots', '5');
    expect([r.code, isOneLine(r.err)]).toEqual([2, true]);
    expect(r.err).toMatch(/--ways applies to glyphs only/);
    // Without --steps, a classification bundle is evaluated at its own default steps.
    const g = await fewshot('eval', '--bundle', 'bundles/glyphs.fsb', '--task', 'glyphs', '--shots', '1', '--episodes', '2', '--json');
    expect(g.code, g.err).toBe(0);
    expect(JSON.parse(g.out)).toMatchObject({ steps: (await decodeBundle(readFileSync('bundles/glyphs.fsb'))).defaults.steps, episodes: 2 });
  });

  it('runs as a binary: bin/fewshot.mjs --version and a usage error', async () => {
    const spawn = (...args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, ['bin/fewshot.mjs', ...args], (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
    const [v, bad] = await Promise.all([spawn('--version'), spawn('doctor', '--bogus')]);
    expect(v).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n` });
    expect(bad.code).toBe(2);
    expect(isOneLine(bad.stderr)).toBe(true);
  });
});

describe('fewshot --help', () => {
  it('lists every bundle and models subcommand, from the dispatchers’ own tables', async () => {
    const { BUNDLE_SUBCOMMANDS, MODELS_SUBCOMMANDS } = await import('../../cli/subcommands');
    const help = await fewshot('--help');
    expect(help.code).toBe(0);
    const line = (cmd: string) => help.out.split('\n').find((l) => l.trimStart().startsWith(`${cmd} `))!;
    for (const sub of ['inspect', 'verify', 'quantize', 'export', 'import-tfjs', 'create', 'import-torch']) expect(Object.keys(BUNDLE_SUBCOMMANDS)).toContain(sub);
    for (const sub of Object.keys(BUNDLE_SUBCOMMANDS)) expect(line('bundle')).toMatch(new RegExp(`(^|[ |])${sub}( |$)`));
    for (const sub of Object.keys(MODELS_SUBCOMMANDS)) expect(line('models')).toMatch(new RegExp(`(^|[ |])${sub}( |$)`));
    // Every table entry really is a subcommand with its own usage.
    for (const load of Object.values(BUNDLE_SUBCOMMANDS)) expect((await load()).usage).toMatch(/^fewshot bundle /);
    for (const load of Object.values(MODELS_SUBCOMMANDS)) expect((await load()).usage).toMatch(/^fewshot models /);
  });
});
