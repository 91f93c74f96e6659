import { alternatives, BUNDLE_SUBCOMMANDS, MODELS_SUBCOMMANDS } from './subcommands';
import type { Command } from './command';

/** A command whose module is loaded only when it runs, so `fewshot --help` stays instant. */
const lazy = (summary: string, load: () => Promise<{ command: Command }>): Command => ({
  summary,
  run: async (argv) => (await load()).command.run(argv),
});

/** The registry of CLI commands: one line per command, its body in its own file. */
export const commands: Record<string, Command> = {
  doctor: lazy('bring up the SIMD wasm backend and print what it reports', () => import('./doctor-command')),
  bundle: lazy(`${alternatives(BUNDLE_SUBCOMMANDS)} a weight bundle`, () => import('./bundle-command')),
  adapt: lazy('adapt a bundle\'s head to a support set, write a binary head (.fshd)', () => import('./adapt-command')),
  head: lazy('inspect a binary head file (.fshd): summary or its JSON view', () => import('./head-command')),
  predict: lazy('predict with a bundle and an adapted head', () => import('./predict-command')),
  train: lazy('meta-train a bundle on sinusoid or glyphs tasks', () => import('./train-command')),
  calibrate: lazy('fit a glyph bundle\'s score temperature and "none of these" distance', () => import('./calibrate-command')),
  eval: lazy('evaluate a bundle: mean ± 95% CI over test tasks', () => import('./eval-command')),
  models: lazy(`${alternatives(MODELS_SUBCOMMANDS)} models in the model store (R2)`, () => import('./models-command')),
  serve: lazy('serve the API on Node: same routes, auth, quotas; heads in a local store', () => import('./serve-command')),
};
