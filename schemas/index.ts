export * from './inference-event.ts';
export * from './heartbeat.ts';
export * from './subjects.ts';
export { validator, type Validation } from './validate.ts';
