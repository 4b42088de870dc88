// Publishes dead letters to DEAD_LETTER_SUBJECT (stored by the dead-letter stream), retrying
// until JetStream confirms, because the message they came from is acked only after that. Each
// letter keeps one Nats-Msg-Id across its retries, so a retry whose first try was stored after
// all (its answer timed out) is kept once; and the retries are bounded, so a letter that cannot
// be stored gives up (counted) instead of piling up behind a dead-letter stream that refuses.
import { setTimeout as delay } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from 'nats';
import { DEAD_LETTER_SUBJECT } from '../../schemas/subjects.ts';
import { backoffMs } from '../sinks/batching-sink.ts';
import type { DeadLetter } from './decode.ts';

/** About 16 s of backoff (100 ms doubling, capped at 5 s). */
export const DEAD_LETTER_MAX_ATTEMPTS = 8;

export class DeadLetterPublisher {
  private stopped = false;
  private readonly encoder = new TextEncoder();
  /** Letters given up on after the last attempt. */
  lost = 0;

  constructor(
    private readonly js: JetStreamClient,
    private readonly onRetry: (error: Error, attempt: number) => void,
    private readonly maxAttempts = DEAD_LETTER_MAX_ATTEMPTS,
  ) {}

  /** Resolves true once stored, false when it gave up; rejects only when stopped. */
  async publish(letter: DeadLetter): Promise<boolean> {
    const data = this.encoder.encode(JSON.stringify(letter));
    const msgID = letterId(letter);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (this.stopped) throw new Error('dead-letter publisher stopped');
      try {
        await this.js.publish(DEAD_LETTER_SUBJECT, data, { msgID });
        return true;
      } catch (e) {
        this.onRetry(e as Error, attempt);
        if (attempt < this.maxAttempts) await delay(backoffMs(attempt, 5000));
      }
    }
    this.lost++;
    return false;
  }

  stop(): void {
    this.stopped = true;
  }
}

/**
 * Same message, same letter: a redelivered message (after a crash) gives the same id, and the
 * stream's duplicate window keeps its letter once. Letters of core-NATS messages (no stream
 * sequence) get an id of their own.
 */
export function letterId(letter: DeadLetter): string {
  const o = letter.origin;
  if (o.stream_seq === undefined || letter.code === 'influx_rejected') return `dl:${randomUUID()}`;
  return `dl:${o.subject}:${o.stream_seq}`;
}
