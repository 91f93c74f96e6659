import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { decodeBundle } from '../src/bundle/index';
import { EMBEDDED_MODELS } from '../src/store/embedded-models';
import { MODEL_NAME } from '../src/store/manifest';
import type { BundleSource } from '../worker/models/registered-model';

/** A bad `--bundle`: the server does not start. */
export class BundleArgError extends Error {}

/** Parses one `--bundle name=FILE`. */
export function parseBundleArg(arg: string): { name: string; file: string } {
  const eq = arg.indexOf('=');
  const name = arg.slice(0, eq);
  const file = arg.slice(eq + 1);
  if (eq < 0 || !file) throw new BundleArgError(`--bundle expects name=FILE, got '${arg}'`);
  if (!MODEL_NAME.test(name)) throw new BundleArgError(`--bundle name '${name}' must be lowercase letters, digits and '-' (≤ 64, as in the API's paths)`);
  return { name, file };
}

async function verified(name: string, file: string): Promise<BundleSource> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new BundleArgError(`bundle '${name}': cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    await decodeBundle(bytes);
  } catch (e) {
    throw new BundleArgError(`bundle '${name}' (${file}) does not verify: ${(e as Error).message.replace(/\s*\n\s*/g, ' ')}`);
  }
  return { name, bytes: async () => bytes };
}

/**
 * The embedded bundles (read from bundles/ beside this checkout) plus `extra` (`--bundle name=FILE`,
 * replacing an embedded model of the same name). Every extra bundle is read and verified (checksums,
 * spec) now, so a bad one stops the server at start instead of failing its first request.
 */
export async function loadBundles(extra: { name: string; file: string }[]): Promise<BundleSource[]> {
  const seen = new Set<string>();
  for (const b of extra) {
    if (seen.has(b.name)) throw new BundleArgError(`--bundle ${b.name} is given twice`);
    seen.add(b.name);
  }
  const overrides = await Promise.all(extra.map((b) => verified(b.name, b.file)));
  const embedded = EMBEDDED_MODELS.filter((b) => !seen.has(b.name)).map(
    (b): BundleSource => ({ name: b.name, bytes: async () => new Uint8Array(await readFile(fileURLToPath(new URL(`../bundles/${b.file}`, import.meta.url)))) }),
  );
  // An override keeps the embedded model's place (so `--bundle glyphs=…` stays the default model).
  return [
    ...EMBEDDED_MODELS.map((b) => overrides.find((o) => o.name === b.name) ?? embedded.find((e) => e.name === b.name)!),
    ...overrides.filter((o) => !EMBEDDED_MODELS.some((b) => b.name === o.name)),
  ];
}
