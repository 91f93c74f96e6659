export { meanCi95 } from './stats';
export { evaluate, curveStats, compareResults } from './evaluate';
export type { EvalOptions, EvalResult } from './evaluate';
export { classificationAccuracies, episodeAccuracy } from './classification';
export { adaptedMse, mseCurve, regressionCurves } from './regression';
