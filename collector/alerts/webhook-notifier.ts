// Posts Slack-compatible JSON ({ text, attachments }) to an incoming-webhook URL. Each try
// has a timeout; network errors, timeouts, 429 and 5xx are retried a bounded number of
// times with doubling delays; other 4xx are final (retrying a bad request will not help).
import { setTimeout as delay } from 'node:timers/promises';
import { headline, NotifyError, type AlertNotification, type Notifier } from './notification.ts';
import { redactUrl, scrub } from './redact.ts';

export interface WebhookOptions {
  /** Secret: never logged, never in errors. */
  url: string;
  timeoutMs: number;
  /** Extra tries after the first. */
  retries: number;
  retryDelayMs: number;
}

const COLORS = { critical: '#d00000', warning: '#e8a317', info: '#439fe0', resolved: '#2eb67d' } as const;

export class WebhookNotifier implements Notifier {
  readonly name: string;
  private readonly options: WebhookOptions;

  constructor(options: Pick<WebhookOptions, 'url'> & Partial<WebhookOptions>) {
    this.options = { timeoutMs: 5000, retries: 2, retryDelayMs: 250, ...options };
    this.name = `webhook ${redactUrl(this.options.url)}`;
  }

  async notify(n: AlertNotification): Promise<void> {
    const body = JSON.stringify(slackMessage(n));
    const { retries, retryDelayMs } = this.options;
    let last: NotifyError | null = null;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await delay(retryDelayMs * 2 ** (attempt - 1));
      const outcome = await this.post(body);
      if (outcome === null) return;
      last = outcome.error;
      if (!outcome.retry) break;
    }
    throw last as NotifyError;
  }

  private async post(body: string): Promise<{ error: NotifyError; retry: boolean } | null> {
    const { url, timeoutMs } = this.options;
    const where = redactUrl(url);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
      const code = timedOut ? 'webhook_timeout' : 'webhook_unreachable';
      const why = timedOut ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.name);
      return { error: new NotifyError(code, scrub(`webhook ${where}: ${why}`, [url])), retry: true };
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return null;
    const retry = response.status === 429 || response.status >= 500;
    return { error: new NotifyError('webhook_rejected', `webhook ${where}: HTTP ${response.status}`), retry };
  }
}

export function slackMessage(n: AlertNotification): { text: string; attachments: object[] } {
  return {
    text: headline(n),
    attachments: [
      {
        color: n.status === 'resolved' ? COLORS.resolved : COLORS[n.severity],
        fields: [
          { title: 'rule', value: n.rule, short: true },
          { title: 'key', value: n.key, short: true },
          { title: 'value', value: String(n.value), short: true },
          { title: 'threshold', value: String(n.threshold), short: true },
          { title: 'since', value: n.startsAt, short: true },
          ...(n.endsAt ? [{ title: 'resolved', value: n.endsAt, short: true }] : []),
          ...(n.alerts && n.alerts.length > 1 ? [{ title: 'alerts', value: n.alerts.map((a) => `${a.status} ${a.severity} ${a.rule} ${a.key}: ${a.summary}`).join('\n'), short: false }] : []),
          ...(n.root_cause ? [{ title: 'root cause', value: rootCauseText(n.root_cause), short: false }] : []),
          ...(n.link ? [{ title: 'board', value: n.link, short: false }] : []),
        ],
        footer: `starwatch alert ${n.id}`,
      },
    ],
  };
}

/** The top slices of a root-cause ranking, one per line ('agent=edge-2 (explains 83%)'). */
export function rootCauseText(ranking: readonly unknown[]): string {
  return ranking
    .slice(0, 3)
    .map((r) => {
      const c = r as { dim?: string; value?: string | null; explained?: number };
      return `${c.dim}=${c.value ?? '(none stands out)'}${typeof c.explained === 'number' ? ` (explains ${(c.explained * 100).toFixed(0)}%)` : ''}`;
    })
    .join('\n');
}

