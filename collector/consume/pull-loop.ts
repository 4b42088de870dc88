// The pull side of the durable consumer: fetch a batch, hand each message over, repeat. Flow
// control lives here: while too many messages are held or too many points wait for InfluxDB, it
// stops pulling and JetStream keeps the rest (that is what makes an InfluxDB outage lossless).
import { setTimeout as delay } from 'node:timers/promises';
import type { Consumer, JetStreamClient, JsMsg } from 'nats';
import { backoffMs } from '../backoff.ts';
import { TimeSlice } from './time-slice.ts';

export interface PullLoopOptions {
  js: JetStreamClient;
  stream: string;
  durable: string;
  fetchBatch: number;
  /** The loop yields to the event loop after handing over messages for this long (time-slice.ts). */
  yieldAfterMs: number;
  /** How many more messages may be taken now (0 = pause). */
  room(): number;
  /** Awaited before the next message; may yield inside with the loop's `slice` (time-slice.ts). */
  onMessage(msg: JsMsg, slice: TimeSlice): void | Promise<void>;
  /** After each fetched batch (windows advance here). */
  afterBatch(): void;
  /** After a message that left nothing pending on the consumer: the stream is drained for now. */
  onDrained(): void;
  onPause(paused: boolean): void;
  onError(error: Error, attempt: number): void;
  /** Called before retrying after errors, e.g. to recreate a deleted consumer. */
  recover(): Promise<void>;
}

export interface PullLoop {
  readonly bound: boolean;
  stop(): Promise<void>;
}

export function startPullLoop(o: PullLoopOptions): PullLoop {
  let stopped = false;
  let bound = false;
  const run = async (): Promise<void> => {
    let failures = 0;
    let paused = false;
    let consumer: Consumer | undefined;
    const slice = new TimeSlice(o.yieldAfterMs);
    while (!stopped) {
      const room = Math.min(o.fetchBatch, o.room());
      if (room <= 0) {
        if (!paused) o.onPause((paused = true));
        await delay(25);
        continue;
      }
      if (paused) o.onPause((paused = false));
      try {
        consumer ??= await o.js.consumers.get(o.stream, o.durable);
        bound = true;
        // A generous expiry: the client closes the request on its own timer, and messages still on
        // their way then (a busy event loop) would only come back after the ack wait.
        const messages = await consumer.fetch({ max_messages: room, expires: 5000 });
        for await (const msg of messages) {
          await o.onMessage(msg, slice);
          if (msg.info.pending === 0) o.onDrained();
          // Messages already received are handed over even when stopping (a fetched batch at
          // most): left unhandled they would sit unacked until their ack wait ran out.
          if (stopped && messages.getPending() === 0) break;
          if (slice.due) await slice.next();
        }
        o.afterBatch();
        failures = 0;
      } catch (e) {
        failures++;
        bound = false;
        consumer = undefined;
        o.onError(e as Error, failures);
        await delay(backoffMs(failures, 2000));
        if (failures % 5 === 0) await o.recover().catch(() => undefined);
      }
    }
  };
  const done = run();
  return {
    get bound() {
      return bound;
    },
    async stop() {
      stopped = true;
      await done;
    },
  };
}

