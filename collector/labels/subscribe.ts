// Takes late labels on starwatch.v1.labels (core NATS, a queue group shared by the replicas):
// one label or a list of them as JSON. A request (with a reply subject, as POST /labels sends)
// gets the outcome back; bad input gets a typed error, a counter and a summarised log line.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { LABELS_SUBJECT } from '../../schemas/subjects.ts';
import { SummarisedLog } from '../consume/summarised-log.ts';
import type { Logger } from '../log.ts';
import type { LateLabelApplier } from './apply.ts';
import { checkLateLabels, LABELS_DEFAULTS } from './late-label.ts';

export interface LabelsDeps {
  nc: NatsConnection;
  queue: string;
  applier: LateLabelApplier;
  registry: Registry;
  log: Logger;
  /** Largest message read, in bytes (a label is about 100). */
  maxBytes?: number;
}

export interface LabelsReply {
  ok: boolean;
  code?: 'bad_json' | 'invalid_labels' | 'too_large' | 'apply_failed';
  message?: string;
  applied?: number;
  unknown?: string[];
  windows_rewritten?: number;
  delay_s_max?: number;
}

export function subscribeLabels(d: LabelsDeps): { subscription: Subscription; stop(): void } {
  const labels = new Counter({ name: 'starwatch_collector_late_labels_total', help: 'Late labels by outcome: applied, unknown (event not stored), invalid', labelNames: ['outcome'], registers: [d.registry] });
  const delay = new Histogram({ name: 'starwatch_collector_label_delay_seconds', help: 'Time from an event to its late label', buckets: [60, 600, 3600, 6 * 3600, 86_400, 7 * 86_400], registers: [d.registry] });
  const refusals = new SummarisedLog(d.log, 'late_labels_refused');
  const maxBytes = d.maxBytes ?? LABELS_DEFAULTS.maxPerMessage * 256;
  const answer = (msg: Msg, reply: LabelsReply): void => {
    if (msg.reply) msg.respond(new TextEncoder().encode(JSON.stringify(reply)));
  };
  const refuse = (msg: Msg, code: NonNullable<LabelsReply['code']>, message: string): void => {
    labels.inc({ outcome: 'invalid' });
    refusals.warn(code, { message });
    answer(msg, { ok: false, code, message });
  };
  const take = async (msg: Msg): Promise<void> => {
    if (msg.data.length > maxBytes) return refuse(msg, 'too_large', `over ${maxBytes} bytes`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(msg.data));
    } catch {
      return refuse(msg, 'bad_json', 'the labels are not JSON');
    }
    const checked = checkLateLabels(Array.isArray(parsed) ? parsed : [parsed]);
    if (!checked.ok) return refuse(msg, 'invalid_labels', checked.reason);
    try {
      const r = await d.applier.apply(checked.value);
      labels.inc({ outcome: 'applied' }, r.applied);
      if (r.unknown.length > 0) labels.inc({ outcome: 'unknown' }, r.unknown.length);
      for (const s of r.delaysS) delay.observe(s);
      answer(msg, { ok: true, applied: r.applied, unknown: r.unknown, windows_rewritten: r.windowsRewritten, delay_s_max: r.delaysS.length > 0 ? Math.max(...r.delaysS) : 0 });
    } catch (e) {
      d.log.warn('late_labels_failed', { error: (e as Error).message });
      answer(msg, { ok: false, code: 'apply_failed', message: 'the labels could not be applied (InfluxDB away?); send them again' });
    }
  };
  const subscription = d.nc.subscribe(LABELS_SUBJECT, {
    queue: d.queue,
    callback: (error, msg) => {
      if (error) return d.log.warn('labels_subscription_failed', { error: error.message });
      void take(msg);
    },
  });
  return { subscription, stop: () => { subscription.unsubscribe(); refusals.stop(); d.applier.stop(); } };
}
