import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers (README "Layers"): each imports only those below it. Tooling (scripts/, bench/, the
 * configs at the root) may import anything and nothing imports it; tests are not part of the house.
 */
const LAYERS: Record<string, { rank: number; name: string }> = {
  src: { rank: 0, name: 'core' },
  wasm: { rank: 1, name: 'wasm' },
  worker: { rank: 2, name: 'adapter' },
  node: { rank: 2, name: 'adapter' },
  browser: { rank: 2, name: 'adapter' },
  cli: { rank: 3, name: 'app' },
  demo: { rank: 3, name: 'app' },
  // The installable packages' sources (packages/client/src: the typed client over the worker's route types).
  packages: { rank: 3, name: 'app' },
};
const TOOLING = { rank: 4, name: 'tooling' };
const TEST = { rank: 5, name: 'test' };
const SKIP = new Set(['node_modules', 'dist', 'test', '.wrangler', '.git', '.cache', 'test-output']);

const root = process.cwd();

function layerOf(file: string): { top: string; rank: number; name: string } {
  const top = file.includes('/') ? file.slice(0, file.indexOf('/')) : '';
  if (top === 'test') return { top, ...TEST };
  return { top, ...(LAYERS[top] ?? TOOLING) };
}

function sourceFiles(dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return SKIP.has(e.name) || rel === 'wasm/fused/assembly' ? [] : sourceFiles(rel);
    return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [rel] : [];
  });
}

/** A relative specifier's file (TypeScript's resolution for our layout), or undefined for a package or a non-.ts asset. */
function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = normalize(join(dirname(from), spec));
  for (const c of [base, `${base}.ts`, `${base.replace(/\.js$/, '')}.ts`, `${base}/index.ts`]) {
    if (c.endsWith('.ts') && existsSync(join(root, c)) && statSync(join(root, c)).isFile()) return relative(root, join(root, c));
  }
  return undefined;
}

/** What a file imports, as written (static, type-only, re-exports and dynamic `import()`). */
const specifiers = (file: string): string[] => ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true).importedFiles.map((i) => i.fileName);

/** Every non-test .ts file and the files it imports. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of sourceFiles()) {
    const targets = specifiers(f).map((s) => resolveImport(f, s)).filter((t): t is string => t !== undefined);
    graph.set(f, [...new Set(targets)]);
  }
  return graph;
}

/** Imports that go up a layer, or sideways from one app into another, as readable lines. */
export function upwardImports(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [from, tos] of graph) {
    const a = layerOf(from);
    if (a.name === 'tooling') continue;
    for (const to of tos) {
      const b = layerOf(to);
      const up = b.rank > a.rank;
      const appToApp = a.name === 'app' && b.name === 'app' && a.top !== b.top;
      if (up || appToApp) out.push(`${from} (${a.name}) → ${to} (${b.name})`);
    }
  }
  return out.sort();
}

/** One circle per strongly connected component (Tarjan), printed as a → b → … → a. */
export function importCircles(graph: Map<string, string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(c);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return components.map((c) => {
    // Walk inside the component from its first file back to it: a concrete circle to look at.
    const inC = new Set(c);
    const start = [...c].sort()[0]!;
    const path = [start];
    const seen = new Set([start]);
    const walk = (v: string): boolean => {
      for (const w of graph.get(v) ?? []) {
        if (w === start) return true;
        if (!inC.has(w) || seen.has(w)) continue;
        seen.add(w);
        path.push(w);
        if (walk(w)) return true;
        path.pop();
      }
      return false;
    };
    walk(start);
    return `${[...path, start].join(' → ')}${c.length > path.length ? ` (${c.length} files in this circle)` : ''}`;
  });
}

describe('the checks themselves', () => {
  it('catch an import that goes up, one app importing another, and a circle', () => {
    const g = new Map([
      ['src/a.ts', ['worker/b.ts']],
      ['worker/b.ts', ['src/a.ts']],
      ['cli/c.ts', ['demo/d.ts', 'node/e.ts']],
      ['demo/d.ts', []],
      ['node/e.ts', ['worker/b.ts']],
      ['scripts/f.ts', ['cli/c.ts']],
    ]);
    expect(upwardImports(g)).toEqual(['cli/c.ts (app) → demo/d.ts (app)', 'src/a.ts (core) → worker/b.ts (adapter)']);
    expect(importCircles(g)).toEqual(['src/a.ts → worker/b.ts → src/a.ts']);
  });
});

describe('the layers', () => {
  const graph = importGraph();

  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(200);
    expect(graph.get('cli/main.ts')).toContain('cli/run.ts');
    expect(graph.get('cli/serve-command.ts')).toContain('node/serve.ts'); // a dynamic import()
  });

  it('import only downward: core src/ ← wasm/ ← adapters worker/, node/, browser/ ← apps cli/, demo/', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('keep the core free of node:* modules (it runs in workerd and browsers too)', () => {
    const core = [...graph.keys()].filter((f) => f.startsWith('src/'));
    expect(core.length).toBeGreaterThan(100);
    expect(core.flatMap((f) => specifiers(f).filter((s) => s.startsWith('node:')).map((s) => `${f} → ${s}`))).toEqual([]);
  });

  it('have no import circle among non-test files', () => {
    expect(importCircles(graph)).toEqual([]);
  });
});
