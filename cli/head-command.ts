import { decodeHead } from '../src/head/codec';
import { headToJson } from '../src/head/json';
import { headIdOf } from '../src/head/head-id';
import { oneLine } from './adapt-command';
import { CliError, readBytes, UsageError } from './bundle/cli-io';
import { fileKind, wrongFile } from './file-kind';
import { parseUsage, usageErrorLine, usageLine } from './usage';
import type { Command } from './command';
import type { Head } from '../src/head/head';
import type { Usage } from './usage';
import { plural } from '../src/util/plural';

export const INSPECT_USAGE: Usage = {
  command: 'fewshot head inspect',
  summary: 'Describe a binary head (.fshd, written by `fewshot adapt`, the worker and the browser runtime): model id, task,\nlabels, tensors, headId (the SHA-256 of the file: its id in adapt, predict and the API). --json prints its JSON view,\nevery value included.',
  args: ['FILE'],
  flags: { json: { type: 'boolean', help: 'print the JSON view: {format, version, headId, bytes, modelId, task, labels, scope, params: {name: {shape, data}}}' } },
};

/**
 * Reads a binary head. Anything else is refused with a line saying what the file is: heads have one
 * format, and an old head.json is remade in milliseconds by `fewshot adapt` (same support set, same head).
 */
export async function readHeadFile(path: string, role: { flag: string; commandFlags: string[] } = { flag: '', commandFlags: [] }): Promise<{ head: Head; bytes: Uint8Array; headId: string }> {
  const bytes = await readBytes(path);
  const kind = fileKind(bytes);
  if (kind !== 'head' && kind !== 'binary') {
    const adapt = `make a head from it with 'fewshot adapt --bundle FILE --support ${path} --out FILE.fshd'`;
    const advice = {
      'head-view': 'give the .fshd file it was printed from',
      'head-json': "re-run 'fewshot adapt ... --out FILE.fshd' to make it again",
      'adapt-body': adapt,
      support: adapt,
      bundle: "a head is what 'fewshot adapt --bundle FILE --out FILE.fshd' writes",
    };
    throw new CliError(wrongFile(path, kind, { what: 'a binary head (.fshd)', ...role, advice }));
  }
  try {
    return { head: await decodeHead(bytes), bytes, headId: await headIdOf(bytes) };
  } catch (e) {
    if (e instanceof Error) e.message = `${path}: ${e.message}`;
    throw e;
  }
}

/** The human view of a head. */
export function describeHead(h: Head, info: { headId: string; bytes: number }): string {
  const floats = Object.values(h.params).reduce((a, t) => a + t.data.length, 0);
  const lines = [
    `head     ${info.headId}  (${info.bytes} bytes, fshd v1)`,
    `model    ${h.modelId}`,
    `task     ${h.task} · scope ${h.scope}`,
    `labels   ${h.labels.length ? h.labels.map((l) => JSON.stringify(l)).join(', ') : '(regression: none)'}`,
    `tensors  ${Object.keys(h.params).length} (${plural(floats, 'float')})`,
    ...Object.entries(h.params).map(([name, t]) => `  ${name}  [${t.shape.join(',')}]`),
  ];
  return `${lines.join('\n')}\n`;
}

async function inspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseUsage(INSPECT_USAGE, argv);
  const { head, bytes, headId } = await readHeadFile(positionals[0]!);
  if (values.json) {
    const { format, version, ...rest } = headToJson(head);
    process.stdout.write(`${JSON.stringify({ format, version, headId, bytes: bytes.length, ...rest })}\n`);
  } else process.stdout.write(describeHead(head, { headId, bytes: bytes.length }));
  return 0;
}

const SUBS: Record<string, { usage: Usage; run: (argv: string[]) => Promise<number> }> = { inspect: { usage: INSPECT_USAGE, run: inspect } };

/** `fewshot head inspect FILE [--json]`. */
export const command: Command = {
  summary: 'inspect a binary head file (.fshd): summary or its JSON view',
  run: async (argv) => {
    const [name, ...rest] = argv;
    if (name === '--help' || name === '-h') {
      process.stdout.write(`usage:\n${Object.values(SUBS).map((s) => `  ${usageLine(s.usage)}`).join('\n')}\n`);
      return 0;
    }
    const sub = name ? SUBS[name] : undefined;
    if (!sub) throw new UsageError(`${name ? `unknown subcommand '${name}'` : 'missing subcommand'} (one of ${Object.keys(SUBS).join(', ')})`, usageLine(INSPECT_USAGE));
    try {
      return await oneLine(`head ${name}`, usageLine(sub.usage), () => sub.run(rest));
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      process.stderr.write(usageErrorLine(`fewshot head ${name}`, e));
      return 2;
    }
  },
};
