export { learningCurvesSvg } from './learning-curves';
export type { CurvePlotOptions, CurveSeries } from './learning-curves';
export { barChartSvg } from './bar-chart';
export type { Bar, BarChartOptions, BarGroup } from './bar-chart';
