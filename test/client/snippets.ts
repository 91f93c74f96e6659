import { readFileSync } from 'node:fs';

/** The fenced code blocks of a Markdown file with the given info string, in order. */
export function codeBlocks(file: string, lang: string): string[] {
  const md = readFileSync(file, 'utf8');
  return [...md.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === lang).map((m) => m[2]!);
}

/** The JavaScript blocks as one ES module, type-checked (`// @ts-check`) and run as a reader would paste them. */
export function guideModule(file: string): string {
  return ['// @ts-check', ...codeBlocks(file, 'js')].join('\n');
}
