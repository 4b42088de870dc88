export * from './types.ts';
export * from './adtributor.ts';
