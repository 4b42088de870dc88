export * from './distribution.ts';
export * from './psi.ts';
export * from './jensen-shannon.ts';
export * from './buckets.ts';
export * from './drift-monitor.ts';
