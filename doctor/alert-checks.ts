// Alerts deliverable: a test notification through each notifier the collector's configuration
// makes (NATS always; the webhook and email when set), made the way the collector makes them, and
// each one's answer reported. The notification says it is a test, severity info, so a receiver
// can tell it apart; nothing in the collector's alert state changes.
import type { NatsConnection } from 'nats';
import type { AlertNotification, Notifier } from '../collector/alerts/notification.ts';
import { makeNotifiers } from '../collector/analysis/notifiers.ts';
import { ALERT_DEFAULTS, type AlertSettings } from '../collector/analysis/settings.ts';
import type { Logger } from '../collector/log.ts';
import { fail, ok, warn, type CheckResult } from './check.ts';

export const TEST_RULE = 'doctor_test';

export function testNotification(now = Date.now()): AlertNotification {
  return {
    v: 1,
    id: `doctor-${now}`,
    fingerprint: TEST_RULE,
    rule: TEST_RULE,
    key: 'doctor',
    status: 'firing',
    severity: 'info',
    summary: 'starwatch doctor: test notification, no action needed',
    value: 0,
    threshold: 0,
    startsAt: new Date(now).toISOString(),
    endsAt: null,
  };
}

/** Why a notifier could not be made; the collector logs the same and goes on without it. */
function collectingLog(unavailable: string[]): Logger {
  const noop = () => undefined;
  return {
    log: noop,
    debug: noop,
    info: noop,
    error: noop,
    warn: (event: string, fields?: Record<string, unknown>) => {
      if (event === 'alert_notifier_unavailable') unavailable.push(`${fields?.notifier ?? '?'}: ${fields?.reason ?? fields?.code ?? 'unavailable'}`);
    },
  } as Logger;
}

export async function checkAlertDelivery(settings: Partial<AlertSettings>, nc: NatsConnection | undefined, timeoutMs: number): Promise<CheckResult[]> {
  const unavailable: string[] = [];
  const publish = async (subject: string, data: Uint8Array) => {
    if (!nc) throw new Error('no NATS connection');
    nc.publish(subject, data);
    await nc.flush(); // the server has it: what a NATS notification can promise
  };
  const notifiers = await makeNotifiers({ ...ALERT_DEFAULTS, ...definedOnly(settings) }, publish, collectingLog(unavailable));
  const n = testNotification();
  const results = await Promise.all(notifiers.map((x) => deliver(x, n, timeoutMs)));
  for (const u of unavailable) results.push(fail(`alerts via ${u.split(':')[0]}`, u, 'fix the notifier settings (alerts.* in the collector configuration)'));
  if (!notifiers.some((x) => !x.name.startsWith('nats'))) {
    results.push(warn('alerts reach people', 'only NATS notifications are configured', 'set alerts.webhookUrl (STARWATCH_ALERTS_WEBHOOK_URL) or alerts.smtpHost with emailFrom/emailTo'));
  }
  return results;
}

async function deliver(notifier: Notifier, n: AlertNotification, timeoutMs: number): Promise<CheckResult> {
  const name = `alerts via ${notifier.name}`;
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'timeout' })), timeoutMs);
  });
  try {
    await Promise.race([notifier.notify(n), deadline]);
    return ok(name, `test notification accepted in ${Date.now() - started} ms`);
  } catch (e) {
    const err = e as Error & { code?: string };
    return fail(name, `${err.code ?? 'error'}: ${err.message}`, 'check the receiver is up and accepts the URL and its credentials (the answer above is what it said)');
  } finally {
    clearTimeout(timer);
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
