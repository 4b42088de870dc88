// The collector's flow for each message: decode and validate, raw points to the sink, events
// into the windows, dead letters out; closed windows to the sink and to window$; and the ack
// rule: a message is acked only once every point it produced (its raw points and the windows
// its events fall in) has been accepted by every required sink. Windows nest (1 s in 10 s in 1 min), so
// "its minute windows are closed and flushed" covers all of them.
import type { JsMsg, NatsConnection } from 'nats';
import { Subject, concatMap, type Observable } from 'rxjs';
import type { InferenceEvent } from '../schemas/inference-event.ts';
import { AckBook, type Hold } from './consume/ack-book.ts';
import { decodeMessageSliced, type DeadLetter, type DecodeLimits } from './consume/decode.ts';
import type { DeadLetterPublisher } from './consume/dead-letters.ts';
import { SummarisedLog } from './consume/summarised-log.ts';
import { TimeSlice } from './consume/time-slice.ts';
import type { Logger } from './log.ts';
import type { CollectorMetrics } from './metrics.ts';
import type { PointSink } from './sinks/sink.ts';
import type { ClosedMarksStore } from './windows/closed-marks.ts';
import type { WindowEngine } from './windows/engine.ts';
import type { KeyBound } from './windows/key-bound.ts';
import type { WindowResult } from './windows/window-result.ts';
import { within } from './within.ts';

const ACK = new TextEncoder().encode('+ACK');
const NAK = new TextEncoder().encode('-NAK');
const IN_PROGRESS = new TextEncoder().encode('+WPI');
const TERM = new TextEncoder().encode('+TERM');
/** Events windowed between two chances to yield. */
const EVENTS_PER_STEP = 64;
/** For callers that take a message in one go. */
const NEVER_YIELD = new TimeSlice(Number.POSITIVE_INFINITY);
/** How long a clean stop waits for the letters of poison messages, so they are not handed back. */
const STOP_GRACE_MS = 2000;

export interface PipelineDeps {
  nc: NatsConnection;
  engine: WindowEngine;
  sink: PointSink;
  deadLetters: DeadLetterPublisher;
  metrics: CollectorMetrics;
  log: Logger;
  limits: DecodeLimits;
  sampleEventsPerSecond: number;
  /** Bounds model versions and agent ids before events make windows and series (windows/key-bound.ts). */
  keys?: KeyBound;
  /** Replica mode (collector/cluster): partial windows go there instead of InfluxDB. */
  cluster?: PipelineCluster;
  /** Takes the events of a model rollout (collector/rollout); shadow verdicts go only there. */
  rollout?: { add(event: InferenceEvent, tsMs: number): void };
  /** Where closed-window marks are kept across crashes (windows/closed-marks.ts); saved before acks. */
  marks?: ClosedMarksStore;
}

export interface PipelineCluster {
  onWindow(result: WindowResult): void;
  /** Right after each window close, before another message is taken. */
  afterAdvance(nowMs: number): void;
  /** Resolves once the closed windows of the messages about to be acked are published. */
  beforeAck(): Promise<void>;
  /** For a redelivered message: the last minute whose events another replica already counted. */
  countedThrough(seq: number): number | undefined;
  /** A first delivery `seq` has events in this replica's windows of `minute`. */
  countedIn(minute: number, seq: number): void;
  /**
   * A redelivered message's events, counted apart from this replica's windows (another replica
   * may hold and count it too; the merge keeps one copy). Returns the last minute they fall in.
   */
  countRedelivered(seq: number, events: readonly { event: InferenceEvent; tsMs: number }[]): number;
}

export class Pipeline {
  readonly book = new AckBook();
  /** Every closed window, finest first; the detectors, live feed and API subscribe here. */
  readonly window$: Observable<WindowResult>;
  /** Valid raw events, sampled to at most sampleEventsPerSecond. */
  readonly events$ = new Subject<InferenceEvent>();
  private readonly advance$ = new Subject<number>();
  private readonly windows = new Subject<WindowResult>();
  private releasing = false;
  /** A message is being taken (handle has not returned); window closes wait for it. */
  private busy = false;
  /** The time of an advance that came while busy, run once the message is taken. */
  private advanceDeferred: number | undefined;
  private stopped = false;
  private sampleSecond = 0;
  private sampledInSecond = 0;
  /** Messages with nothing valid, terminated once their letter is stored. */
  private readonly terminating = new Set<Promise<void>>();
  /** Letters of points InfluxDB refused; an ack waits for them (see release). */
  private readonly sinkLetters = new Set<Promise<unknown>>();
  private readonly letterLog: SummarisedLog;
  validEvents = 0;
  acked = 0;
  /** Redelivered messages this instance had not seen (crash recovery waits for these). */
  redelivered = 0;

  constructor(private readonly d: PipelineDeps) {
    this.window$ = this.windows.asObservable();
    this.letterLog = new SummarisedLog(d.log, 'dead_letter');
    // The RxJS plumbing: each advance (after a fetched batch, and on the clock) closes what the
    // watermark has passed; every result is written, then offered to subscribers, in order.
    this.advance$.pipe(concatMap((now) => this.d.engine.advance(now))).subscribe((result) => {
      if (this.d.cluster) this.d.cluster.onWindow(result);
      else this.d.sink.writeWindow(result);
      this.d.metrics.windowsClosed.inc({ granularity: result.granularity });
      if (result.granularity === '1m' && result.agent === '*' && result.model_version === '*')
        this.d.log.info('minute_closed', { start: new Date(result.start).toISOString(), count: result.fields.count, late: result.fields.late, late_total: this.d.engine.lateEvents, valid_total: this.validEvents });
      this.windows.next(result);
    });
  }

  /**
   * Takes one message, yielding to the event loop whenever `slice` is spent (between rows while
   * decoding, between events while windowing), so /healthz and the API answer during a big one.
   * The caller awaits it before taking the next message: messages are still taken one at a time.
   */
  async handle(msg: JsMsg, slice = NEVER_YIELD): Promise<void> {
    this.busy = true;
    try {
      await this.take(msg, slice);
    } catch (e) {
      // Whatever a message makes throw is that message's fault: it is dead-lettered and
      // terminated, never left to come back (and throw again) for ever.
      const error = e as Error;
      const payload = new TextDecoder().decode(msg.data.subarray(0, this.d.limits.maxPayloadChars));
      const letter: DeadLetter = { v: 1, code: 'poison', reason: `${error.name}: ${error.message}`, origin: { subject: msg.subject, stream_seq: msg.seq }, payload };
      this.terminateAfter(replyOf(msg), [this.deadLetter(letter)]);
    } finally {
      this.busy = false;
    }
    // Windows are closed between messages only (see advance).
    if (this.advanceDeferred !== undefined) this.advance(this.advanceDeferred);
  }

  private async take(msg: JsMsg, slice: TimeSlice): Promise<void> {
    const now = Date.now();
    const seq = msg.seq;
    const reply = replyOf(msg);
    if (this.book.has(seq)) {
      // Still held from its first delivery (its ack wait ran out while InfluxDB was slow):
      // counting it again would double its events.
      this.book.refresh(seq, reply, now);
      this.d.metrics.redeliveredWhileHeld.inc();
      return;
    }
    if (this.book.wasAcked(seq)) {
      // Sent again before our ack reached JetStream: counted already. Acked again, so it stops.
      this.d.nc.publish(reply, ACK);
      this.d.metrics.redeliveredAfterAck.inc();
      return;
    }
    if (msg.redelivered) this.redelivered++;
    const decoded = await decodeMessageSliced(msg.data, { subject: msg.subject, stream_seq: seq }, this.d.limits, now, slice);
    const { dead } = decoded;
    const cluster = this.d.cluster;
    const events = msg.redelivered && cluster ? uncounted(decoded.events, cluster.countedThrough(seq)) : decoded.events;
    // Replica mode: a redelivered message is counted apart (see PipelineCluster.countRedelivered).
    const apart: { event: InferenceEvent; tsMs: number }[] | undefined = msg.redelivered && cluster ? [] : undefined;
    const valid: InferenceEvent[] = new Array(events.length);
    const origins: number[] = new Array(events.length);
    let minute = Number.NEGATIVE_INFINITY;
    let written = 0;
    let countedMinute = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < events.length; i++) {
      if (i % EVENTS_PER_STEP === 0 && i > 0 && slice.due) {
        // New keys (windows, series, tag sets) make the first events of a key far dearer than the
        // rest: a message of many new keys is handed over in parts.
        this.d.sink.writeEvents(valid.slice(written, i), origins.slice(written, i));
        written = i;
        await slice.next();
      }
      const { tsMs } = events[i];
      const event = this.d.keys ? this.d.keys.bound(events[i].event, now) : events[i].event;
      valid[i] = event;
      origins[i] = tsMs;
      if (event.rollout) this.d.rollout?.add(event, tsMs);
      // A shadow verdict answered no one: it is compared, never counted as traffic.
      if (event.rollout?.role === 'shadow') continue;
      this.sample(event, now);
      if (apart) {
        apart.push({ event, tsMs });
        this.d.engine.seen(tsMs, now);
        continue;
      }
      const m = this.d.engine.add(event, tsMs, now);
      if (m > minute) minute = m;
      if (cluster && m !== countedMinute) cluster.countedIn((countedMinute = m), seq);
    }
    if (apart && apart.length > 0) minute = cluster!.countRedelivered(seq, apart);
    this.d.sink.writeEvents(written === 0 ? valid : valid.slice(written), written === 0 ? origins : origins.slice(written));
    this.validEvents += events.length;
    this.d.metrics.events.inc({ outcome: 'valid' }, events.length);
    const pending = dead.map((letter) => {
      const refused = letter.rejected ? Object.values(letter.rejected).reduce((a, b) => a + (b ?? 0), 0) : 0;
      if (refused > 0) this.d.metrics.events.inc({ outcome: 'invalid' }, refused);
      return this.deadLetter(letter);
    });
    this.d.metrics.messages.inc({ outcome: events.length > 0 ? 'valid' : 'dead_lettered' });
    if (events.length === 0) {
      // Nothing in it to wait for: terminated as soon as its letter is stored.
      this.terminateAfter(reply, pending);
      return;
    }
    this.book.hold({ seq, reply, minute, pending, touchedMs: now });
    this.d.metrics.pendingAcks.set(this.book.size);
  }

  /** Counts, logs (summarised) and publishes one letter; resolves true once it is stored. */
  deadLetter(letter: DeadLetter): Promise<boolean> {
    this.d.metrics.deadLetters.inc({ code: letter.code });
    this.letterLog.warn(letter.code, { reason: letter.reason, origin: letter.origin, events: letter.events });
    return this.d.deadLetters.publish(letter).catch(() => false);
  }

  /** A letter for points InfluxDB refused; the acks of messages released after it wait for it. */
  deadLetterLater(letter: DeadLetter): void {
    const stored = this.deadLetter(letter).finally(() => this.sinkLetters.delete(stored));
    this.sinkLetters.add(stored);
  }

  /**
   * +TERM once the letters are stored: JetStream never hands the message out again. A letter not
   * stored leaves the message unacked, so it comes back after the ack wait, at most max_deliver
   * times.
   */
  private terminateAfter(reply: string, letters: Promise<boolean>[]): void {
    const done: Promise<void> = Promise.all(letters)
      .then((stored) => {
        if (!stored.every(Boolean)) return;
        this.d.nc.publish(reply, TERM);
        this.d.metrics.terminated.inc();
      })
      .catch(() => undefined)
      .finally(() => this.terminating.delete(done));
    this.terminating.add(done);
  }

  /** Closes due windows and acks what they release; called after each batch and on the clock. */
  advance(now = Date.now()): void {
    // Not while a message is half taken (it yields between parts): its events would straddle a
    // close, and a replica's mark could publish part of a message it does not hold yet.
    if (this.busy) {
      this.advanceDeferred = now;
      return;
    }
    this.advanceDeferred = undefined;
    this.advance$.next(now);
    this.d.cluster?.afterAdvance(now);
    // Minutes that took late events are written again before any ack is released: the holds of
    // those late events are due at once (their minute is closed).
    for (const result of this.d.engine.rewrites()) {
      this.d.sink.writeWindow(result);
      this.d.metrics.windowsRewritten.inc();
    }
    this.maybeRelease();
  }

  /**
   * Extends the ack wait of messages held longer than `olderThanMs` (+WPI), so JetStream does not
   * redeliver them (to this or another replica) while their windows are still open or InfluxDB is
   * down.
   */
  keepAlive(now: number, olderThanMs: number): void {
    for (const hold of this.book.stale(now, olderThanMs)) {
      this.d.nc.publish(hold.reply, IN_PROGRESS);
      hold.touchedMs = now;
    }
  }

  /**
   * On a clean stop: nothing more is acked, and held messages are handed back at once (-NAK),
   * so the next collector recomputes their open windows from all of them.
   */
  async stop(): Promise<void> {
    // Poison messages are terminated, not handed back: the next start must not see them again.
    await within(Promise.all(this.terminating), STOP_GRACE_MS);
    this.letterLog.stop();
    this.stopped = true;
    const held = this.book.due(Number.POSITIVE_INFINITY);
    for (const hold of held) this.d.nc.publish(hold.reply, NAK);
    this.d.log.info('handed_back', { messages: held.length });
    this.advance$.complete();
    this.windows.complete();
    this.events$.complete();
  }

  private maybeRelease(): void {
    if (this.releasing || this.stopped) return;
    const due = this.book.due(this.d.engine.closedMinutesThrough());
    if (due.length === 0) return;
    this.releasing = true;
    this.release(due)
      .catch((e: Error) => this.d.log.warn('release_deferred', { messages: due.length, error: e.message }))
      .finally(() => (this.releasing = false));
  }

  private async release(due: Hold[]): Promise<void> {
    // Every window closed by now has been handed to the sink, so after the flush they are stored.
    const marks = this.d.engine.closedMarks();
    await this.d.sink.flush();
    await Promise.all([...due.flatMap((h) => h.pending), ...this.sinkLetters]);
    if (this.d.cluster) await this.d.cluster.beforeAck();
    if (this.stopped) return;
    // Before the acks: an acked message never comes back, so its windows must be known closed.
    await this.d.marks?.save(marks);
    if (this.stopped) return;
    for (const hold of due) this.d.nc.publish(hold.reply, ACK);
    this.book.remove(due, Date.now());
    this.acked += due.length;
    this.d.metrics.acked.inc(due.length);
    this.d.metrics.pendingAcks.set(this.book.size);
  }

  private sample(event: InferenceEvent, now: number): void {
    const second = Math.floor(now / 1000);
    if (second !== this.sampleSecond) {
      this.sampleSecond = second;
      this.sampledInSecond = 0;
    }
    if (this.sampledInSecond >= this.d.sampleEventsPerSecond || !this.events$.observed) return;
    this.sampledInSecond++;
    this.events$.next(event);
  }
}

/** The events of minutes after `through` (all of them when nothing was counted). */
function uncounted<T extends { tsMs: number }>(events: T[], through: number | undefined): T[] {
  return through === undefined ? events : events.filter((e) => Math.floor(e.tsMs / 60_000) * 60_000 > through);
}

// JsMsg keeps the reply subject (what an ack is published to) but does not type it.
const replyOf = (msg: JsMsg): string => (msg as unknown as { reply: string }).reply;
