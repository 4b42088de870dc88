// Publishes dead letters to DEAD_LETTER_SUBJECT (stored by the dead-letter stream), retrying
// until JetStream confirms, because the message they came from is acked only after that.
import type { JetStreamClient } from 'nats';
import { DEAD_LETTER_SUBJECT } from '../../schemas/subjects.ts';
import { backoffMs } from '../sinks/batching-sink.ts';
import type { DeadLetter } from './decode.ts';

export class DeadLetterPublisher {
  private stopped = false;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly js: JetStreamClient,
    private readonly onRetry: (error: Error, attempt: number) => void,
  ) {}

  async publish(letter: DeadLetter): Promise<void> {
    const data = this.encoder.encode(JSON.stringify(letter));
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw new Error('dead-letter publisher stopped');
      try {
        await this.js.publish(DEAD_LETTER_SUBJECT, data);
        return;
      } catch (e) {
        this.onRetry(e as Error, attempt);
        await new Promise((r) => setTimeout(r, backoffMs(attempt, 5000)));
      }
    }
  }

  stop(): void {
    this.stopped = true;
  }
}
