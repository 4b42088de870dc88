export * from './holt-winters.ts';
export * from './fit.ts';
export * from './time-to-threshold.ts';
