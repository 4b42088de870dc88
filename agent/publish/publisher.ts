// The event publisher. enqueue() is O(1) and never waits: events go into a bounded queue and
// are sent later, off the scan's path, as EventBatch JetStream messages of up to batchSize
// events or whatever batchMs has gathered. While NATS is away the queue keeps its bound and
// drops the oldest events, counting each drop. A batch taken from the queue is retried with
// the same Nats-Msg-Id until the stream acknowledges it, so a retry is never stored twice.
// So every event enqueued is either in the stream or counted in `dropped`.
import { setTimeout as delay } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { connect, Events, type JetStreamClient, type NatsConnection } from 'nats';
import { MAX_BATCH_EVENTS, MAX_MESSAGE_BYTES, type InferenceEvent } from '../../schemas/inference-event.ts';
import { EVENTS_STREAM, eventsSubject } from '../../schemas/subjects.ts';
import { batchMsgId, encodeBatch } from './batch-encoding.ts';
import { BoundedQueue } from './bounded-queue.ts';
import { connectionOptions, describeConnection, type NatsOptions } from './connection.ts';
import { silentLogger, type Logger } from '../../log/logger.ts';
import { ensureEventsStream } from './stream.ts';

export interface PublisherOptions {
  agentId: string;
  nats: NatsOptions;
  /** Events per JetStream message at most. */
  batchSize?: number;
  /** Longest an event waits for its batch to fill. */
  batchMs?: number;
  /** Events kept while they cannot be sent; beyond it the oldest are dropped. */
  queueSize?: number;
  /** Batches awaiting their ack at once. */
  maxInFlight?: number;
  /** Create the events stream when it is missing (needs the permission to). */
  createStream?: boolean;
  /** Wait for one ack before the batch is sent again. */
  ackTimeoutMs?: number;
  logger?: Logger;
}

export interface PublisherStats {
  queueDepth: number;
  queueCapacity: number;
  inFlightEvents: number;
  /** Events the stream acknowledged. */
  sent: number;
  /** Events dropped (queue full, or still unsent when shutdown gave up). */
  dropped: number;
  batchesSent: number;
  batchRetries: number;
  /** Publishes the stream refused (full, or a message over its size bound); each batch is retried. */
  streamRefusals: number;
  connected: boolean;
}

export const PUBLISHER_DEFAULTS = {
  batchSize: 256,
  batchMs: 50,
  queueSize: 100_000,
  maxInFlight: 4,
  ackTimeoutMs: 2000,
} as const;

const RETRY_MS = 200;
/**
 * Room for a batch's headers (Nats-Msg-Id: 27 bytes and the id, at most about 100). The server's
 * max_payload counts headers and data together (the stream's max_msg_size may too; not tried): a
 * batch whose data alone fitted was refused (MAX_PAYLOAD_EXCEEDED) on every retry, and never split.
 */
const HEADERS_ROOM_BYTES = 256;
/**
 * What a stream counts for a message besides its data: the subject, the headers (Nats-Msg-Id) and
 * the store's record, about 200 bytes for an agent's batch (nats-server 2.9). Without it a batch
 * that fitted by the data alone went unanswered (503) for ever and was never counted as refused.
 * Generous on purpose: it matters only once a publish has gone unanswered.
 */
const STORED_OVERHEAD_BYTES = 1024;
/** What nats-server answers when a bounded stream will not take a message. */
const REFUSAL = /maximum (bytes|messages|message size)|exceeds maximum|insufficient (resources|storage)/i;
const isStreamRefusal = (e: Error): boolean => REFUSAL.test(e.message);

export class EventPublisher {
  readonly agentId: string;
  private readonly queue: BoundedQueue<InferenceEvent>;
  private readonly batchSize: number;
  private readonly batchMs: number;
  private readonly maxInFlight: number;
  private readonly ackTimeoutMs: number;
  private readonly subject: string;
  private readonly logger: Logger;
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private connected = false;
  private closing = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = false;
  private pumpScheduled = false;
  private inFlight = 0;
  private inFlightEvents = 0;
  private maxPayload = 1024 * 1024;
  /** Starts at the boot time in µs, so batch ids keep increasing across restarts of an agent. */
  private seq = Date.now() * 1000;
  private readonly bootId = randomBytes(6).toString('hex');
  private idle: (() => void)[] = [];
  private stats = { sent: 0, dropped: 0, batchesSent: 0, batchRetries: 0, streamRefusals: 0 };

  constructor(private readonly options: PublisherOptions) {
    this.agentId = options.agentId;
    this.batchSize = options.batchSize ?? PUBLISHER_DEFAULTS.batchSize;
    this.batchMs = options.batchMs ?? PUBLISHER_DEFAULTS.batchMs;
    this.maxInFlight = options.maxInFlight ?? PUBLISHER_DEFAULTS.maxInFlight;
    this.ackTimeoutMs = options.ackTimeoutMs ?? PUBLISHER_DEFAULTS.ackTimeoutMs;
    this.queue = new BoundedQueue(options.queueSize ?? PUBLISHER_DEFAULTS.queueSize);
    this.subject = eventsSubject(options.agentId);
    this.logger = options.logger ?? silentLogger;
  }

  /** Connects in the background (retrying for ever); events queue meanwhile. */
  start(): void {
    void this.connectLoop();
  }

  /** O(1), never throws, never waits. */
  enqueue(event: InferenceEvent): void {
    if (this.closed) {
      this.stats.dropped++;
      return;
    }
    if (this.queue.push(event)) this.stats.dropped++;
    if (this.queue.length >= this.batchSize) this.schedulePump();
    else if (!this.timer) this.timer = setTimeout(this.onTimer, this.batchMs);
  }

  get connection(): NatsConnection | null {
    return this.connected ? this.nc : null;
  }

  snapshot(): PublisherStats {
    return {
      queueDepth: this.queue.length,
      queueCapacity: this.queue.capacity,
      inFlightEvents: this.inFlightEvents,
      connected: this.connected,
      ...this.stats,
    };
  }

  /** Resolves once everything enqueued so far has been acknowledged (or dropped). */
  flush(timeoutMs = 10_000): Promise<boolean> {
    this.timerDue = true;
    this.schedulePump();
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Sends what is queued (waiting up to timeoutMs), counts the rest as dropped, disconnects. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    const flushed = await this.flush(timeoutMs);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (!flushed) {
      const lost = this.queue.length + this.inFlightEvents;
      this.stats.dropped += lost;
      this.queue.take(this.queue.length);
      this.logger.warn(`shutdown: ${lost} events not acknowledged in ${timeoutMs} ms, counted as dropped`);
    }
    const nc = this.nc;
    this.nc = null;
    this.connected = false;
    await nc?.close().catch(() => undefined);
  }

  private onTimer = (): void => {
    this.timer = null;
    this.timerDue = true;
    this.pump();
  };

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // setImmediate: the send starts after the caller's current work, not inside it.
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.js && this.connected && this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const full = this.queue.length >= this.batchSize;
      if (!full && !this.timerDue && !this.closing) break;
      const batch = this.queue.take(this.batchSize);
      void this.send(batch);
    }
    this.timerDue = false;
    if (this.queue.length > 0 && !this.timer && !this.closed) this.timer = setTimeout(this.onTimer, this.batchMs);
    if (this.isIdle()) this.notifyIdle();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0;
  }

  private notifyIdle(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }

  private async send(events: InferenceEvent[]): Promise<void> {
    this.inFlight++;
    this.inFlightEvents += events.length;
    try {
      for (const part of this.split(events)) await this.publishUntilAcked(part);
    } finally {
      this.inFlight--;
      this.inFlightEvents -= events.length;
    }
    this.pump();
  }

  /** Batches larger than the server's max payload (or the schema's bounds) are halved until they fit. */
  private split(events: InferenceEvent[]): { seq: number; data: Uint8Array; count: number }[] {
    const seq = this.seq++;
    const data = encodeBatch(this.agentId, seq, events);
    const fits = data.length + HEADERS_ROOM_BYTES <= Math.min(this.maxPayload, MAX_MESSAGE_BYTES) && events.length <= MAX_BATCH_EVENTS;
    if (fits || events.length === 1) return [{ seq, data, count: events.length }];
    const half = events.length >> 1;
    return [...this.split(events.slice(0, half)), ...this.split(events.slice(half))];
  }

  private async publishUntilAcked(batch: { seq: number; data: Uint8Array; count: number }): Promise<void> {
    const msgID = batchMsgId(this.agentId, this.bootId, batch.seq);
    for (let attempt = 0; ; attempt++) {
      if (this.closed) return; // close() counted these as dropped
      const js = this.js;
      if (js && this.connected) {
        try {
          await js.publish(this.subject, batch.data, { msgID, timeout: this.ackTimeoutMs });
          this.stats.sent += batch.count;
          this.stats.batchesSent++;
          return;
        } catch (e) {
          this.stats.batchRetries++;
          const error = e as Error;
          // A full stream answers 503 too (nats.js says only "503"): asked, it tells which.
          const unanswered = /no responders|503/i.test(error.message);
          const refused = isStreamRefusal(error) || (unanswered && (await this.streamRefuses(batch.data.length)));
          if (refused) this.noteRefusal(error);
          else if (attempt === 0) this.logger.warn(`batch ${msgID} not acknowledged (${error.message}); retrying`);
          if (unanswered && !refused) await this.tryEnsureStream();
        }
      }
      await delay(RETRY_MS);
    }
  }

  /**
   * A full stream (discard "new") refuses publishes: told, counted and logged (the first and every
   * hundredth), never silently dropped; the batch is retried and events queue behind it.
   */
  private noteRefusal(error: Error): void {
    const n = ++this.stats.streamRefusals;
    if (n === 1 || n % 100 === 0)
      this.logger.warn(`the events stream refused a batch (${error.message}); ${n} refusals so far, retrying while events queue`);
  }

  /** True when the events stream exists and has no room for a message of `bytes` of data. */
  private async streamRefuses(bytes: number): Promise<boolean> {
    try {
      const { config, state } = await (await this.nc!.jetstreamManager()).streams.info(EVENTS_STREAM);
      return (
        (config.max_bytes > 0 && state.bytes + bytes + STORED_OVERHEAD_BYTES > config.max_bytes) ||
        (config.max_msgs > 0 && state.messages >= config.max_msgs) ||
        (config.max_msg_size > 0 && bytes > config.max_msg_size)
      );
    } catch {
      return false;
    }
  }

  private async connectLoop(): Promise<void> {
    const options = connectionOptions(this.options.nats);
    this.logger.info(`connecting to NATS ${describeConnection(this.options.nats)}`);
    for (let attempt = 0; !this.closing; attempt++) {
      try {
        const nc = await connect(options);
        if (this.closing) {
          await nc.close();
          return;
        }
        this.nc = nc;
        this.maxPayload = nc.info?.max_payload ?? this.maxPayload;
        this.js = nc.jetstream();
        this.connected = true;
        void this.watchStatus(nc);
        if (this.options.createStream !== false) await this.tryEnsureStream();
        this.logger.info('connected to NATS');
        this.timerDue = true;
        this.pump();
        return;
      } catch (e) {
        if (attempt === 0) this.logger.warn(`NATS not reachable (${(e as Error).message}); queueing and retrying`);
        await delay(500);
      }
    }
  }

  private async tryEnsureStream(): Promise<void> {
    try {
      if (this.nc && (await ensureEventsStream(await this.nc.jetstreamManager()))) {
        this.logger.info('created the events stream');
      }
    } catch (e) {
      this.logger.warn(`cannot create the events stream (${(e as Error).message})`);
    }
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === Events.Disconnect) {
        this.connected = false;
        this.logger.warn('NATS disconnected; queueing');
      } else if (s.type === Events.Reconnect) {
        this.connected = true;
        this.logger.info('NATS reconnected');
        this.timerDue = true;
        this.pump();
      }
    }
  }
}
