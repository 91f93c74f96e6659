// Entry of linear-head.wasm: the fused solver, its memory plan, and the SIMD throughput probe.
export { plan, table } from './plan';
export { solve } from './linear-head';
export { peakMulAdd } from './peak';
