// Start-up steps that need InfluxDB or NATS (connect, create the database, read back written
// windows) are retried with backoff until they succeed, instead of exiting: a collector started
// while a store is away waits, with /readyz saying what for, and needs no outside restarter.
import { withoutCredentials } from './config.ts';
import type { Logger } from './log.ts';
import { backoffMs } from './backoff.ts';

export interface Waiting {
  /** What start-up waits for now, or null. */
  waitingFor: string | null;
  /** Aborted: the wait gives up (throws) at once. */
  signal?: AbortSignal;
}

export async function untilDone<T>(what: string, attempt: () => Promise<T>, state: Waiting, log: Logger, maxBackoffMs = 5000): Promise<T> {
  for (let n = 1; ; n++) {
    state.signal?.throwIfAborted();
    try {
      const value = await attempt();
      state.waitingFor = null;
      if (n > 1) log.info('start_resumed', { step: what, attempts: n });
      return value;
    } catch (e) {
      state.waitingFor = what;
      if (n === 1 || n % 10 === 0) log.warn('start_waiting', { step: what, error: withoutCredentials((e as Error).message), attempt: n });
      await pause(backoffMs(n, maxBackoffMs), state.signal);
    }
  }
}

/** A backoff pause that ends early when the start is given up. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
