// Sends the transitions worth telling (firing, resolved) to every notifier. One notifier
// failing never stops the others or the caller: it is counted and logged (with the
// notifier's redacted name and the error's code), and the collector carries on.
import { NotifyError, toNotification, type AlertNotification, type Notifier } from './notification.ts';
import type { AlertTransition } from './types.ts';

export type Log = (line: string) => void;

export interface DispatchCounts {
  /** Deliveries (one notification to one notifier) that worked, and that failed. */
  sent: number;
  failed: number;
}

export class AlertDispatcher {
  readonly counts: DispatchCounts = { sent: 0, failed: 0 };
  /** Notifications handed out (each goes to every notifier). */
  notifications = 0;

  constructor(
    private readonly notifiers: readonly Notifier[],
    private readonly log: Log = () => undefined,
  ) {}

  async dispatch(transitions: readonly AlertTransition[]): Promise<AlertNotification[]> {
    const notifications = transitions.map(toNotification).filter((n): n is AlertNotification => n !== null);
    return this.sendAll(notifications);
  }

  /** Sends ready-made (grouped) notifications to every notifier. */
  async sendAll(notifications: readonly AlertNotification[]): Promise<AlertNotification[]> {
    await Promise.all(notifications.flatMap((n) => this.notifiers.map((notifier) => this.send(notifier, n))));
    this.notifications += notifications.length;
    return [...notifications];
  }

  private async send(notifier: Notifier, n: AlertNotification): Promise<void> {
    try {
      await notifier.notify(n);
      this.counts.sent++;
    } catch (e) {
      this.counts.failed++;
      // NotifyError messages are built secret-free; anything else is reduced to its code.
      const detail = e instanceof NotifyError ? e.message : ((e as { code?: string }).code ?? 'unexpected error');
      this.log(`alert ${n.id} via ${notifier.name} failed: ${detail}`);
    }
  }
}
