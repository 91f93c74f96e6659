// Ad-hoc: profile a few outer iterations of a META_CONFIGS workload (`tsx bench/node/profile-once.ts glyphs|sinusoid [threads]`).
import { initNodeBackend, releaseNodeThreads } from '../../wasm/node';
import { META_CONFIGS, profileMeta } from './meta-profile';

const which = process.argv[2] ?? 'glyphs';
await initNodeBackend({ threads: Number(process.argv[3] ?? 1) });
for (const c of META_CONFIGS) {
  if (!c.options.task.startsWith(which)) continue;
  const p = await profileMeta(c.label, c.options, c.options.task === 'glyphs' ? 4 : 30);
  console.log(JSON.stringify({ ms: p.ms_per_iteration.p50, phases: p.phase_ms, kernels: p.kernels_per_iteration, top: p.top_kernels.map((k) => `${k.name}×${k.count} ${k.ms.toFixed(0)}`) }));
}
releaseNodeThreads();
