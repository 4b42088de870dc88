// A replica's side: its closed partial windows, kept per minute until the minute has closed, then
// published with a mark that says how far it has published and which held messages' events are
// in there. A message is acked only after such a mark is stored (Pipeline's beforeAck), so a
// replica dying between the two loses nothing and counts nothing twice (counted-seqs.ts).
// A minute is published whole (1 s, 10 s and 1 min windows together): then "counted through
// minute M" is exact for every granularity.
import { ALL } from '../../schemas/measurements.ts';
import { encodeState } from '../windows/state.ts';
import type { WindowResult } from '../windows/window-result.ts';
import { clusterSubject, deltaEncode, type MarkMessage, type PartialMessage, type PartialWindow } from './messages.ts';
import { within } from '../within.ts';

export interface PublisherDeps {
  replica: string;
  incarnation: string;
  /** Stores one message on the cluster stream (awaits JetStream's ack; deduplicated by msgId). */
  store(subject: string, data: Uint8Array, msgId: string): Promise<void>;
  /** Minutes whose windows have all closed in this replica (WindowEngine.closedMinutesThrough). */
  closedThrough(): number;
  /** Stream sequences of the messages this replica holds (not yet acked). */
  held(): number[];
  /** Nothing held and no window open. */
  idle(): boolean;
  heartbeatMs: number;
  /** Windows a partial message carries at most (each is about 1-2 KB). */
  windowsPerMessage: number;
  onError(error: Error): void;
}

export class PartialPublisher {
  private readonly byMinute = new Map<number, PartialWindow[]>();
  private publishedThrough = -1;
  private lastMarkMs = 0;
  private chain: Promise<void> = Promise.resolve();
  private waiters: (() => void)[] = [];
  private sent = 0;
  private stopped = false;
  private stopping = false;

  constructor(private readonly d: PublisherDeps) {}

  /** Every closed window of this replica (the leaves are kept; rollups are made after merging). */
  onWindow(r: WindowResult): void {
    if (r.agent === ALL || r.model_version === ALL) return;
    const minute = Math.floor(r.start / 60_000) * 60_000;
    let list = this.byMinute.get(minute);
    if (!list) this.byMinute.set(minute, (list = []));
    list.push({ g: r.granularity, start: r.start, agent: r.agent, model_version: r.model_version, state: encodeState(r.acc) });
  }

  /** Resolves once a mark taken after the next window close is stored: then held messages may be acked. */
  nextPublished(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Called right after each window close (synchronously, before more messages are taken): takes
   * what is due, and publishes it in order.
   */
  afterAdvance(nowMs: number): void {
    if (this.stopping) return;
    const through = Math.max(this.publishedThrough, this.d.closedThrough());
    const minutes = [...this.byMinute.keys()].filter((m) => m <= through).sort((a, b) => a - b);
    const waiting = this.waiters;
    const due = minutes.length > 0 || through > this.publishedThrough || waiting.length > 0;
    if (!due && nowMs - this.lastMarkMs < this.d.heartbeatMs) return;
    this.waiters = [];
    this.lastMarkMs = nowMs;
    const partials: PartialMessage[] = [];
    for (const minute of minutes) {
      const windows = this.byMinute.get(minute)!;
      this.byMinute.delete(minute);
      for (let i = 0; i < windows.length; i += this.d.windowsPerMessage)
        partials.push({ kind: 'partial', replica: this.d.replica, incarnation: this.d.incarnation, minute, windows: windows.slice(i, i + this.d.windowsPerMessage) });
    }
    const mark: MarkMessage = { kind: 'mark', replica: this.d.replica, incarnation: this.d.incarnation, through };
    if (this.d.idle()) mark.idle = true;
    if (due) mark.held = deltaEncode(this.d.held().sort((a, b) => a - b));
    this.publishedThrough = through;
    this.chain = this.chain.then(async () => {
      for (const p of partials) await this.send(p);
      await this.send(mark);
      for (const resolve of waiting) resolve();
    });
  }

  /** Retried until stored: acks wait for it, and a lost partial would be lost events. */
  private async send(m: PartialMessage | MarkMessage): Promise<void> {
    const data = new TextEncoder().encode(JSON.stringify(m));
    const msgId = `${this.d.replica}.${this.d.incarnation}.${this.sent++}`;
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        return await this.d.store(clusterSubject(m.kind, this.d.replica), data, msgId);
      } catch (e) {
        this.d.onError(e as Error);
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * attempt)));
      }
    }
  }

  /** Lets what is queued be stored (at most graceMs while stores fail), then publishes no more. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    await within(this.chain, graceMs);
    this.stopped = true;
    await this.chain.catch(() => undefined);
  }
}
