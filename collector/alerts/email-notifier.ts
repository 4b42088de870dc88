// Optional: mails each notification over SMTP through nodemailer, loaded only when an email
// notifier is made, so the collector runs without it. The password lives in the transport
// and is scrubbed from any error before it leaves this file.
import { headline, NotifyError, type AlertNotification, type Notifier } from './notification.ts';
import { scrub } from './redact.ts';
import { rootCauseText } from './webhook-notifier.ts';

export interface EmailOptions {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS, which the server must offer. */
  secure: boolean;
  /** Send in the clear when the server offers no STARTTLS. Off by default: the password and the alerts would cross the network readable. */
  allowPlain?: boolean;
  user?: string;
  /** Secret: never logged, never in errors. */
  password?: string;
  from: string;
  to: string[];
  timeoutMs: number;
}

interface Transport {
  sendMail(message: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
}

export class EmailNotifier implements Notifier {
  readonly name: string;

  private constructor(
    private readonly transport: Transport,
    private readonly options: EmailOptions,
  ) {
    this.name = `email ${options.host}:${options.port}`;
  }

  static async create(options: Omit<EmailOptions, 'timeoutMs'> & Partial<Pick<EmailOptions, 'timeoutMs'>>): Promise<EmailNotifier> {
    const full: EmailOptions = { timeoutMs: 10_000, ...options };
    let nodemailer: typeof import('nodemailer');
    try {
      nodemailer = await import('nodemailer');
    } catch {
      throw new NotifyError('email_unavailable', 'email alerts need the nodemailer package (npm install nodemailer)');
    }
    const transport = nodemailer.createTransport({
      host: full.host,
      port: full.port,
      secure: full.secure,
      requireTLS: !full.secure && full.allowPlain !== true,
      auth: full.user ? { user: full.user, pass: full.password ?? '' } : undefined,
      connectionTimeout: full.timeoutMs,
      greetingTimeout: full.timeoutMs,
      socketTimeout: full.timeoutMs,
      logger: false,
    });
    return new EmailNotifier(transport, full);
  }

  async notify(n: AlertNotification): Promise<void> {
    const { from, to, password, user } = this.options;
    try {
      await this.transport.sendMail({ from, to: to.join(', '), subject: headline(n), text: mailBody(n) });
    } catch (e) {
      const err = e as Error & { code?: string; responseCode?: number };
      const why = `${err.code ?? 'error'}${err.responseCode ? ` ${err.responseCode}` : ''}`;
      throw new NotifyError('email_failed', scrub(`email via ${this.name} failed: ${why}`, [password, user && password ? Buffer.from(`\u0000${user}\u0000${password}`).toString('base64') : undefined]));
    }
  }
}

function mailBody(n: AlertNotification): string {
  return [
    headline(n),
    '',
    `rule:      ${n.rule}`,
    `key:       ${n.key}`,
    `severity:  ${n.severity}`,
    `value:     ${n.value}`,
    `threshold: ${n.threshold}`,
    `since:     ${n.startsAt}`,
    ...(n.endsAt ? [`resolved:  ${n.endsAt}`] : []),
    `alert id:  ${n.id}`,
    ...(n.alerts && n.alerts.length > 1 ? ['', 'alerts:', ...n.alerts.map((a) => `  ${a.status} ${a.severity} ${a.rule} ${a.key}: ${a.summary}`)] : []),
    ...(n.root_cause ? ['', 'root cause:', rootCauseText(n.root_cause)] : []),
    ...(n.link ? ['', `board:     ${n.link}`] : []),
  ].join('\n');
}
