import type { TargetDeps } from './models/target';

/** A `fewshot bundle <sub>` module. */
export interface BundleSub {
  usage: string;
  run: (argv: string[]) => Promise<number>;
}

/** A `fewshot models <sub>` module. */
export interface ModelsSub {
  usage: string;
  run: (argv: string[], deps?: TargetDeps) => Promise<number>;
}

/**
 * The subcommands of `fewshot bundle` and `fewshot models`, each module loaded only when it runs.
 * The dispatchers and `fewshot --help` both read these tables, so the help cannot miss one.
 */
export const BUNDLE_SUBCOMMANDS: Record<string, () => Promise<BundleSub>> = {
  inspect: () => import('./bundle/inspect'),
  verify: () => import('./bundle/verify'),
  quantize: () => import('./bundle/quantize'),
  export: () => import('./bundle/export'),
  'import-tfjs': () => import('./bundle/import-tfjs'),
  create: () => import('./bundle/create'),
  'import-torch': () => import('./bundle/import-torch'),
};

export const MODELS_SUBCOMMANDS: Record<string, () => Promise<ModelsSub>> = {
  publish: () => import('./models/publish'),
  list: () => import('./models/list'),
  versions: () => import('./models/versions'),
  rollback: () => import('./models/rollback'),
  remove: () => import('./models/remove'),
};

/** `a | b | c`, for one-line summaries. */
export const alternatives = (subs: Record<string, unknown>): string => Object.keys(subs).join(' | ');
