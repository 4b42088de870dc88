// How every V4 worker thread (scan, model, decode) starts: through worker-boot.mjs, with a
// bigger starting heap than V8 gives a new isolate.
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';

const BOOT = new URL('./worker-boot.mjs', import.meta.url);

/**
 * Under V8's starting limit for a new isolate a scan worker ran a full mark-compact every 25
 * images or so (its heap steady at 9-10 MB), 1.4-4.6 ms each, inside the scan in flight: most of
 * the p95 at 1 in flight (480 scans at 1 in flight: 20 of them; with 64 MB, 1). Past this size
 * V8 sizes the old generation as before (agent/server/README.md has the figures).
 */
const INITIAL_OLD_SPACE_MB = 64;
let heapSized = false;

/**
 * V8 flags are the process's, read when an isolate is made: set before the first V4 worker, this
 * sizes the heap of every worker the process starts after it (a host embedding the agent
 * included) and leaves the main thread's, which already exists, as it was.
 */
function sizeWorkerHeaps(): void {
  if (heapSized) return;
  heapSized = true;
  v8.setFlagsFromString(`--initial-old-space-size=${INITIAL_OLD_SPACE_MB}`);
}

/** A worker running `entry` (a module of this folder), with `data` beside it as workerData. */
export function startV4Worker(entry: string, data: Record<string, unknown> = {}): Worker {
  sizeWorkerHeaps();
  return new Worker(BOOT, { workerData: { entry, ...data } });
}
