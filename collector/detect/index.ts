export * from './types.ts';
export { RobustZDetector, ROBUST_Z_DEFAULTS, type RobustZOptions } from './robust-z.ts';
export { EwmaCusumDetector, EWMA_CUSUM_DEFAULTS, type EwmaCusumOptions } from './ewma-cusum.ts';
export { SeasonalProfileDetector, SEASONAL_DEFAULTS, DAY_MS, WEEK_MS, type SeasonalProfileOptions } from './seasonal-profile.ts';
export { CompositeDetector } from './composite.ts';
export * from './factory.ts';
export { AdaptiveDetector, ADAPTIVE_DEFAULTS, type AdaptiveOptions } from './adaptive.ts';
export { AnomalyLikelihood, LIKELIHOOD_DEFAULTS, type LikelihoodOptions } from './anomaly-likelihood.ts';
