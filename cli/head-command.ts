import { decodeHead } from '../src/head/codec';
import { headToJson } from '../src/head/json';
import { sha256Hex } from '../src/util/sha256';
import { oneLine } from './adapt-command';
import { CliError, readBytes, UsageError } from './bundle/cli-io';
import { parseUsage, usageErrorLine, usageLine } from './usage';
import type { Command } from './command';
import type { Head } from '../src/head/head';
import type { Usage } from './usage';

export const INSPECT_USAGE: Usage = {
  command: 'fewshot head inspect',
  summary: 'Describe a binary head (.fshd, written by `fewshot adapt`, the worker and the browser runtime): model id, task,\nlabels, tensors, sha256 (the id the worker gives it on upload). --json prints its JSON view, every value included.',
  args: ['FILE'],
  flags: { json: { type: 'boolean', help: 'print the JSON view: {format, version, sha256, bytes, modelId, task, labels, scope, params: {name: {shape, data}}}' } },
};

/**
 * Reads a binary head. A JSON file is refused with a pointer, not read: heads have one format, and
 * an old head.json is remade in milliseconds by `fewshot adapt` (same support set, same head).
 */
export async function readHeadFile(path: string): Promise<{ head: Head; bytes: Uint8Array; sha256: string }> {
  const bytes = await readBytes(path);
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first === 0x7b) throw new CliError(`${path} is a JSON head (the old head.json format, no longer read); heads are binary (.fshd): re-run 'fewshot adapt ... --out FILE.fshd'`);
  try {
    return { head: await decodeHead(bytes), bytes, sha256: await sha256Hex(bytes) };
  } catch (e) {
    if (e instanceof Error) e.message = `${path}: ${e.message}`;
    throw e;
  }
}

/** The human view of a head. */
export function describeHead(h: Head, info: { sha256: string; bytes: number }): string {
  const floats = Object.values(h.params).reduce((a, t) => a + t.data.length, 0);
  const lines = [
    `head     ${info.sha256}  (${info.bytes} bytes, fshd v1)`,
    `model    ${h.modelId}`,
    `task     ${h.task} · scope ${h.scope}`,
    `labels   ${h.labels.length ? h.labels.map((l) => JSON.stringify(l)).join(', ') : '(regression: none)'}`,
    `tensors  ${Object.keys(h.params).length} (${floats} floats)`,
    ...Object.entries(h.params).map(([name, t]) => `  ${name}  [${t.shape.join(',')}]`),
  ];
  return `${lines.join('\n')}\n`;
}

async function inspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseUsage(INSPECT_USAGE, argv);
  const { head, bytes, sha256 } = await readHeadFile(positionals[0]!);
  if (values.json) {
    const { format, version, ...rest } = headToJson(head);
    process.stdout.write(`${JSON.stringify({ format, version, sha256, bytes: bytes.length, ...rest })}\n`);
  } else process.stdout.write(describeHead(head, { sha256, bytes: bytes.length }));
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
