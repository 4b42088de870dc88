// The decode worker's thread priority (decode-worker.ts), apart so tests can read it without
// loading the worker's body.
/**
 * The worker's OS nice value: on a busy machine a burst of big messages kept this thread on a
 * core that the event loop (answering /healthz, /metrics and the API) then waited for; at 10
 * the event loop wins a shared core about nine times in ten, and an idle core still decodes at
 * full speed.
 */
export const DECODE_WORKER_NICE = 10;
