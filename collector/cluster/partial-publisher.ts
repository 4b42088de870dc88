// A replica's side: its closed partial windows, kept per minute until the minute has closed, then
// published with a mark that says how far it has published and which held messages' events are
// in there. A message is acked only after such a mark is stored (Pipeline's beforeAck), so a
// replica dying between the two loses nothing and counts nothing twice (counted-seqs.ts).
// A minute is published whole (1 s, 10 s and 1 min windows together): then "counted through
// minute M" is exact for every granularity. Each minute's windows go out with the stream
// sequences of the messages counted in them; a redelivered message's windows go out apart, under
// its sequence, so the merger can count every message once (minute-merger.ts).
import { ALL } from '../../schemas/measurements.ts';
import { encodeState } from '../windows/state.ts';
import type { WindowResult } from '../windows/window-result.ts';
import { clusterSubject, deltaEncode, toRanges, type MarkMessage, type PartialMessage, type PartialWindow } from './messages.ts';
import { within } from '../within.ts';
import { setTimeout as delay } from 'node:timers/promises';

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
  /** Per minute, the stream sequences of the (first delivered) messages counted in byMinute. */
  private readonly seqsByMinute = new Map<number, Set<number>>();
  /** Per minute, the windows of each redelivered message, kept apart. */
  private readonly redelivered = new Map<number, { seq: number; windows: PartialWindow[] }[]>();
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
    list.push(windowOf(r));
  }

  /** Message `seq` (a first delivery) has events in the replica's windows of `minute`. */
  countedIn(minute: number, seq: number): void {
    let seqs = this.seqsByMinute.get(minute);
    if (!seqs) this.seqsByMinute.set(minute, (seqs = new Set()));
    seqs.add(seq);
  }

  /** A redelivered message's own windows (leaves, every granularity), published with their minute. */
  addRedelivered(seq: number, results: readonly WindowResult[]): void {
    for (const r of results) {
      if (r.agent === ALL || r.model_version === ALL) continue;
      const minute = Math.floor(r.start / 60_000) * 60_000;
      let list = this.redelivered.get(minute);
      if (!list) this.redelivered.set(minute, (list = []));
      let entry = list.find((e) => e.seq === seq);
      if (!entry) list.push((entry = { seq, windows: [] }));
      entry.windows.push(windowOf(r));
    }
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
    const minutes = [...new Set([...this.byMinute.keys(), ...this.redelivered.keys()])].filter((m) => m <= through).sort((a, b) => a - b);
    const waiting = this.waiters;
    const due = minutes.length > 0 || through > this.publishedThrough || waiting.length > 0;
    if (!due && nowMs - this.lastMarkMs < this.d.heartbeatMs) return;
    this.waiters = [];
    this.lastMarkMs = nowMs;
    const partials: PartialMessage[] = [];
    for (const minute of minutes) partials.push(...this.takeMinute(minute));
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

  /** A minute's windows as messages: its own (the first carrying their sequences), then each redelivered message's. */
  private takeMinute(minute: number): PartialMessage[] {
    const base = { kind: 'partial' as const, replica: this.d.replica, incarnation: this.d.incarnation, minute };
    const out: PartialMessage[] = [];
    const windows = this.byMinute.get(minute) ?? [];
    const seqs = toRanges([...(this.seqsByMinute.get(minute) ?? [])].sort((a, b) => a - b));
    this.byMinute.delete(minute);
    // The sequences go with the windows they are in (none yet: they wait for them).
    if (windows.length > 0) this.seqsByMinute.delete(minute);
    for (let i = 0; i < windows.length; i += this.d.windowsPerMessage)
      out.push({ ...base, windows: windows.slice(i, i + this.d.windowsPerMessage), ...(i === 0 ? { seqs } : {}) });
    for (const { seq, windows: own } of this.redelivered.get(minute) ?? [])
      for (let i = 0; i < own.length; i += this.d.windowsPerMessage) out.push({ ...base, seq, windows: own.slice(i, i + this.d.windowsPerMessage) });
    this.redelivered.delete(minute);
    return out;
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
        await delay(Math.min(2000, 100 * attempt));
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

const windowOf = (r: WindowResult): PartialWindow => ({ g: r.granularity, start: r.start, agent: r.agent, model_version: r.model_version, state: encodeState(r.acc) });
