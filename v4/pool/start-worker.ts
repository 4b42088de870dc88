// How every V4 worker thread (scan, model, decode) starts: through worker-boot.mjs, with a
// bigger starting heap than V8 gives a new isolate.
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';

const BOOT = new URL('./worker-boot.mjs', import.meta.url);

/**
 * A scan worker makes a few hundred KB of ArrayBuffers an image (the bytes it was sent, the
 * decoded pixels), which V8 weighs against a new isolate's small starting limit: it ran a full
 * mark-compact every 25 images or so, 1.4-4.6 ms each, inside the scan in flight, and those made
 * most of the p95 at 1 in flight (bench v4: 20 in 480 scans; with 64 MB, 1). The old generation
 * still grows and shrinks as V8 decides past this size; a worker's heap stays tens of MB.
 */
const INITIAL_OLD_SPACE_MB = 64;
let heapSized = false;

/**
 * V8 flags are the process's, read when an isolate is made: set before the first worker, they
 * size every worker's heap and leave the main thread's, which already exists, as it was.
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
