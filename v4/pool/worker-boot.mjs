// Entry of the V4 path's worker threads (decoders, the model). Workers do not inherit the main
// thread's TypeScript loader when it was registered in code (bin/starwatch.js), so each
// registers tsx itself, then loads the module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(new URL(workerData.entry, import.meta.url).href);
