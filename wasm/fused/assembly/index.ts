// Entry of linear-head.wasm (the name predates its second kernel): the fused linear-head solver and
// its memory plan, the fused late-block solver and its plan, and the SIMD throughput probe.
export { plan, table } from './plan';
export { solve } from './linear-head';
export { latePlan, lateTable, lateFeatureWidth } from './late-plan';
export { lateSolve, lateFeatures } from './late-block';
export { peakMulAdd } from './peak';
