// The notifiers the settings ask for: always NATS (starwatch.v1.alerts, on the collector's own
// connection), a webhook and email when configured. Secrets go into the notifiers and nowhere
// else; a notifier that cannot be made is logged by its redacted name and left out.
import { EmailNotifier } from '../alerts/email-notifier.ts';
import { NatsNotifier, type Publish } from '../alerts/nats-notifier.ts';
import type { Notifier } from '../alerts/notification.ts';
import { redactUrl } from '../alerts/redact.ts';
import { WebhookNotifier } from '../alerts/webhook-notifier.ts';
import type { Logger } from '../log.ts';
import type { AlertSettings } from './settings.ts';

export async function makeNotifiers(settings: AlertSettings, publish: Publish, log: Logger): Promise<Notifier[]> {
  const notifiers: Notifier[] = [new NatsNotifier(publish)];
  if (settings.webhookUrl) {
    if (URL.canParse(settings.webhookUrl)) notifiers.push(new WebhookNotifier({ url: settings.webhookUrl }));
    else log.warn('alert_notifier_unavailable', { notifier: `webhook ${redactUrl(settings.webhookUrl)}`, reason: 'not a URL' });
  }
  if (settings.smtpHost) {
    const to = (settings.emailTo ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!settings.emailFrom || to.length === 0) log.warn('alert_notifier_unavailable', { notifier: 'email', reason: 'emailFrom and emailTo are needed' });
    else {
      try {
        notifiers.push(
          await EmailNotifier.create({
            host: settings.smtpHost,
            port: settings.smtpPort,
            secure: settings.smtpSecure,
            allowPlain: settings.smtpAllowPlain,
            user: settings.smtpUser,
            password: settings.smtpPassword,
            from: settings.emailFrom,
            to,
          }),
        );
      } catch (e) {
        log.warn('alert_notifier_unavailable', { notifier: 'email', code: (e as { code?: string }).code ?? 'error' });
      }
    }
  }
  log.info('alert_notifiers', { notifiers: notifiers.map((n) => n.name) });
  return notifiers;
}
