// The consumer's flow, around the pull loop: pulling paused while too much is held or the sinks
// lag (JetStream keeps the rest), the backlog and lag polling that tells the window clock not to
// run on idle while events wait, and crash recovery (windows kept open until the messages a dead
// instance held have come back). start.ts only wires this to the pipeline and the sinks.
import type { JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { Logger } from '../log.ts';
import type { CollectorMetrics } from '../metrics.ts';
import type { WindowEngine } from '../windows/engine.ts';
import { startPullLoop, type PullLoop } from './pull-loop.ts';
import type { TimeSlice } from './time-slice.ts';
import { streamUsage } from './stream-usage.ts';

export interface FlowSettings {
  stream: string;
  durable: string;
  fetchBatch: number;
  /** Hand the event loop back after this long of handing over messages (pull-loop.ts). */
  yieldAfterMs: number;
  maxAckPending: number;
  /** The consumer's ack wait (ms): recovery waits at most three of them. */
  ackWaitMs: number;
}

export interface FlowDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  engine: WindowEngine;
  metrics: CollectorMetrics;
  log: Logger;
  /** Messages held (unacked) now. */
  held(): number;
  /** Points waiting for the required sinks; `maxBacklog` or more pauses pulling. */
  sinkBacklog(): number;
  maxBacklog: number;
  /** Messages redelivered so far (logged when recovery ends). */
  redelivered(): number;
  onMessage(msg: JsMsg, slice: TimeSlice): void | Promise<void>;
  afterBatch(): void;
  /** The consumer has nothing pending after the message just taken (pull-loop.ts). */
  onDrained(): void;
  /** Recreates streams and consumer after repeated pull failures. */
  recover(): Promise<void>;
}

export interface Flow {
  readonly loop: PullLoop;
  stop(): Promise<void>;
}

export function startFlow(s: FlowSettings, d: FlowDeps): Flow {
  // Stay under max_ack_pending (JetStream would stop delivering anyway) and under the sink
  // backlog bound (a store slow or down: stop pulling, JetStream keeps the rest).
  const maxHeld = Math.floor(s.maxAckPending * 0.95);
  // Events known to be waiting (pulling paused, or the stream holds what we have not fetched):
  // the window clock must not run on idle then (see WindowEngine.setBacklogged).
  let pullPaused = false;
  let streamBacklog = false;
  const backlogged = () => d.engine.setBacklogged(pullPaused || streamBacklog, Date.now());
  const loop = startPullLoop({
    js: d.js,
    stream: s.stream,
    durable: s.durable,
    fetchBatch: s.fetchBatch,
    yieldAfterMs: s.yieldAfterMs,
    room: () => (d.sinkBacklog() >= d.maxBacklog ? 0 : maxHeld - d.held()),
    onMessage: d.onMessage,
    afterBatch: d.afterBatch,
    onDrained: d.onDrained,
    onPause: (paused) => {
      pullPaused = paused;
      backlogged();
      d.metrics.paused.set(paused ? 1 : 0);
      d.log.info(paused ? 'pull_paused' : 'pull_resumed', { held: d.held(), backlog: d.sinkBacklog() });
    },
    onError: (error, attempt) => {
      if (attempt === 1 || attempt % 10 === 0) d.log.warn('pull_failed', { error: error.message, attempt });
    },
    recover: d.recover,
  });
  const poll = () => {
    const heldBefore = d.held();
    d.js.consumers
      .get(s.stream, s.durable)
      .then((c) => c.info())
      .then((info) => {
        d.metrics.consumerLag.set(info.num_pending);
        void streamUsage(d.jsm, s.stream).then((ratio) => d.metrics.streamUsage.set(ratio), () => undefined);
        streamBacklog = info.num_pending > 0;
        backlogged();
        d.log.debug('consumer_info', { pending: info.num_pending, ack_pending: info.num_ack_pending, waiting: info.num_waiting, delivered: info.delivered.stream_seq, redelivered: info.num_redelivered });
        // While recovering the book only grows, so pending <= what we held before asking means
        // nothing delivered elsewhere is still out.
        if (d.engine.suspended && info.num_ack_pending <= heldBefore) {
          d.engine.suspendUntil(Date.now());
          d.log.info('recovered', { redelivered: d.redelivered() });
        }
      })
      .catch(() => {
        // NATS unreachable: what waits in the stream is unknown, so assume something does.
        streamBacklog = true;
        d.engine.setBacklogged(true, Date.now());
      });
  };
  const lag = setInterval(poll, Math.min(2000, Math.max(250, s.ackWaitMs / 4)));
  return {
    loop,
    async stop() {
      await loop.stop();
      clearInterval(lag);
    },
  };
}
