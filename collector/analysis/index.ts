export { startAnalysis, type AnalysisDeps, type AnalysisHandle } from './start-analysis.ts';
export { ALERT_DEFAULTS, TUNING_DEFAULTS, type AlertSettings, type AnalysisTuning } from './settings.ts';
export type { AnalysisAnomaly, DriftCause, AnalysisStats } from './stage.ts';
export type { RootCauseDimension } from './root-cause.ts';
export type { SeriesForecast } from './forecasts.ts';
