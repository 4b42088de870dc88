// Publishes each notification as JSON on starwatch.v1.alerts. The collector passes in its
// own publish function (its NATS connection), so this file needs no connection of its own.
import { ALERTS_SUBJECT } from '../../schemas/subjects.ts';
import { NotifyError, type AlertNotification, type Notifier } from './notification.ts';

export type Publish = (subject: string, data: Uint8Array) => void | Promise<unknown>;

export class NatsNotifier implements Notifier {
  readonly name = `nats ${ALERTS_SUBJECT}`;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly publish: Publish,
    private readonly subject = ALERTS_SUBJECT,
  ) {}

  async notify(n: AlertNotification): Promise<void> {
    try {
      await this.publish(this.subject, this.encoder.encode(JSON.stringify(n)));
    } catch (e) {
      throw new NotifyError('nats_publish_failed', `publish to ${this.subject} failed: ${(e as Error).message}`);
    }
  }
}
