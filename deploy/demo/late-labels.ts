// The demo's reviewer: the ground truth of a few requests is held back when they are sent (no
// label in the query, an X-Request-Id instead) and arrives later on starwatch.v1.labels, as a
// review or a customer report does. Without it the Models board's Labels row (late-label delay,
// late labels by source) stays empty in the demo: the rest of its traffic is labelled up front.
import { connect, type NatsConnection } from 'nats';
import { LABELS_SUBJECT } from '../../schemas/subjects.ts';
import type { Label } from '../../schemas/corpus-label.ts';
import type { LateLabel } from '../../collector/labels/late-label.ts';
import { LABELS_DEFAULTS } from '../../collector/labels/late-label.ts';
import type { LabelsReply } from '../../collector/labels/subscribe.ts';

export interface LateLabellerOptions {
  natsUrl: string;
  /** How often the held-back labels are sent (ms). */
  everyMs?: number;
  /** A label goes out once its request is this old (ms): a review takes a while. */
  delayMs?: number;
  /** Rounds a label is sent again while the collector does not know its event yet (not stored yet). */
  tries?: number;
}

export interface LateLabelStats {
  held: number;
  applied: number;
  /** Given up on: the collector never found the event. */
  unknown: number;
  failed: number;
}

interface Held {
  label: LateLabel;
  sentAtMs: number;
  tries: number;
}

export const LATE_LABEL_DEFAULTS = { everyMs: 10_000, delayMs: 5_000, tries: 3 };

/** The label a reviewer gives a request sent without one, named by its request id. */
export function reviewLabel(requestId: string, label: Label): LateLabel {
  return label.category === 'clean'
    ? { request_id: requestId, truth: 'clean', source: 'review' }
    : { request_id: requestId, truth: 'stego', method: label.method, source: 'review' };
}

export class LateLabeller {
  private readonly held: Held[] = [];
  private readonly stats_: LateLabelStats = { held: 0, applied: 0, unknown: 0, failed: 0 };
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> = Promise.resolve();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly o: Required<LateLabellerOptions>,
  ) {}

  static async start(options: LateLabellerOptions): Promise<LateLabeller> {
    const nc = await connect({ servers: options.natsUrl, name: 'starwatch-demo-reviewer', maxReconnectAttempts: -1 });
    const labeller = new LateLabeller(nc, { ...LATE_LABEL_DEFAULTS, ...options });
    labeller.timer = setInterval(() => (labeller.sending = labeller.sending.then(() => labeller.sendDue())), labeller.o.everyMs);
    return labeller;
  }

  /** A request went out without its label: it is sent later. */
  hold(label: LateLabel): void {
    this.held.push({ label, sentAtMs: Date.now(), tries: 0 });
    this.stats_.held++;
  }

  stats(): LateLabelStats {
    return { ...this.stats_ };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sending;
    await this.nc.drain().catch(() => this.nc.close());
  }

  private async sendDue(): Promise<void> {
    const cutoff = Date.now() - this.o.delayMs;
    const due = this.held.filter((h) => h.sentAtMs <= cutoff).slice(0, LABELS_DEFAULTS.maxPerMessage);
    if (due.length === 0) return;
    this.held.splice(0, this.held.length, ...this.held.filter((h) => !due.includes(h)));
    let reply: LabelsReply;
    try {
      const msg = await this.nc.request(LABELS_SUBJECT, new TextEncoder().encode(JSON.stringify(due.map((h) => h.label))), { timeout: this.o.everyMs });
      reply = JSON.parse(new TextDecoder().decode(msg.data)) as LabelsReply;
    } catch {
      reply = { ok: false };
    }
    const notYet = new Set(reply.ok ? (reply.unknown ?? []) : due.map((h) => labelId(h.label)));
    if (reply.ok) this.stats_.applied += reply.applied ?? 0;
    for (const h of due) {
      if (!notYet.has(labelId(h.label))) continue;
      // Not stored yet (or the collector was busy): again next round, a few times.
      if (++h.tries < this.o.tries) this.held.push(h);
      else if (reply.ok) this.stats_.unknown++;
      else this.stats_.failed++;
    }
  }
}

const labelId = (l: LateLabel): string => ('request_id' in l ? l.request_id : l.event_id);
