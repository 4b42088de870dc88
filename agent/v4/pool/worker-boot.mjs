// Entry of a decode worker thread. Workers do not inherit the main thread's TypeScript loader
// when it was registered in code (bin/starwatch.js), so each registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./preprocess-worker.ts', import.meta.url).href);
