// Replica mode (cluster.enabled): each replica publishes its closed partial windows on the
// cluster stream; every replica reads that stream in order and merges the windows exactly, a
// minute at a time, once the analysis leader (a lease in a NATS KV bucket) has decided that every
// live replica has published the minute. The merged windows are written (the same points by
// each replica: an idempotent overwrite) and are the window$ the analysis and the live feed run
// on; the analysis writes only on the leader (see isLeader), and each notification is sent by
// the one replica that claims it (notify-claims.ts).
import { randomBytes } from 'node:crypto';
import { DiscardPolicy, StorageType, consumerOpts, nanos, type JetStreamManager, type NatsConnection } from 'nats';
import { Counter, Gauge, type Registry } from 'prom-client';
import { Subject, type Observable } from 'rxjs';
import type { Logger } from '../log.ts';
import type { PointSink } from '../sinks/sink.ts';
import type { WindowResult } from '../windows/window-result.ts';
import type { PipelineCluster } from '../pipeline.ts';
import { windowsOfMessage } from './message-windows.ts';
import { CountedSeqs } from './counted-seqs.ts';
import { MergeDecider } from './decider.ts';
import { startLease, type Lease } from './lease.ts';
import { openNotifyClaims } from './notify-claims.ts';
import { CLUSTER_SUBJECT_PREFIX, clusterSubject, decodeClusterMessage, deltaDecode, type ClusterMessage } from './messages.ts';
import { MinuteMerger } from './minute-merger.ts';
import { PartialPublisher } from './partial-publisher.ts';
import type { ClusterSettings } from './settings.ts';
import { setTimeout as delay } from 'node:timers/promises';

export interface ClusterDeps {
  nc: NatsConnection;
  settings: ClusterSettings;
  replica: string;
  ackWaitMs: number;
  closedThrough(): number;
  /** True when the replica holds no message and no open window. */
  idle(): boolean;
  held(): number[];
  /** Latency target of the `slow` field (the engine's slowMs). */
  slowMs?: number;
  sink: Pick<PointSink, 'write' | 'writeWindow'>;
  log: Logger;
  registry: Registry;
}

/** The pipeline's hooks (PipelineCluster), and what the analysis and the live feed need. */
export interface ClusterHandle extends PipelineCluster {
  /** The merged windows (every replica's), finest first; the analysis and live feed run on these. */
  window$: Observable<WindowResult>;
  isLeader(): boolean;
  /** True for the one replica that is to send the notification of this key (notify-claims.ts). */
  claimNotification(key: string): Promise<boolean>;
  stats(): { mergedThrough: number; latePartials: number; droppedPartials: number; live: string[] };
  stop(): Promise<void>;
}

export async function startCluster(d: ClusterDeps): Promise<ClusterHandle> {
  const s = d.settings;
  const liveTimeoutMs = s.liveTimeoutMs > 0 ? s.liveTimeoutMs : 3 * d.ackWaitMs;
  const js = d.nc.jetstream();
  await ensureClusterStream(await d.nc.jetstreamManager(), s);
  const merger = new MinuteMerger();
  const decider = new MergeDecider(liveTimeoutMs);
  const counted = new CountedSeqs(Math.max(5 * 60_000, 4 * liveTimeoutMs));
  const merged = new Subject<WindowResult>();
  const metrics = clusterMetrics(d.registry, merger);
  const lastAtStart = (await (await d.nc.jetstreamManager()).streams.info(s.stream)).state.last_seq;
  let readThrough = 0;

  // An ordered push consumer: the pull-based one of nats.js does not start on nats-server 2.9.
  const opts = consumerOpts();
  opts.orderedConsumer();
  opts.deliverAll();
  const messages = await js.subscribe(`${CLUSTER_SUBJECT_PREFIX}.>`, opts);
  const reading = (async () => {
    for await (const msg of messages) {
      readThrough = msg.seq;
      let m: ClusterMessage;
      try {
        m = decodeClusterMessage(msg.data);
      } catch (e) {
        metrics.bad.inc();
        d.log.warn('cluster_message_refused', { error: (e as Error).message, subject: msg.subject });
        continue;
      }
      const atMs = Math.floor(msg.info.timestampNanos / 1e6);
      if (m.kind === 'partial') merger.addPartial(m);
      else if (m.kind === 'mark') {
        merger.commit(m.replica, m.incarnation);
        decider.observe(m, atMs);
        if (m.held) counted.record(deltaDecode(m.held), m.through, atMs);
      } else {
        const results = merger.decide(m);
        // What was merged before this start was written and analysed then.
        if (msg.seq <= lastAtStart) continue;
        for (const r of results) {
          d.sink.writeWindow(r);
          merged.next(r);
        }
      }
    }
  })().catch((e: Error) => d.log.error('cluster_read_failed', { error: e.message }));
  // Caught up before the first event is taken: a redelivered message is judged by every mark.
  const deadline = Date.now() + 60_000;
  while (readThrough < lastAtStart && Date.now() < deadline) await delay(20);

  const incarnation = randomBytes(6).toString('hex');
  const publisher = new PartialPublisher({
    replica: d.replica,
    incarnation,
    store: async (subject, data, msgId) => void (await js.publish(subject, data, { msgID: msgId })),
    closedThrough: d.closedThrough,
    held: d.held,
    idle: d.idle,
    heartbeatMs: s.heartbeatMs,
    windowsPerMessage: 100,
    onError: (e) => d.log.warn('cluster_publish_failed', { error: e.message }),
  });

  const lease: Lease = await startLease(d.nc, {
    bucket: s.leaseBucket,
    ttlMs: s.leaseTtlMs,
    replicas: s.streamReplicas,
    holder: d.replica,
    onChange: (leader) => {
      metrics.leader.set(leader ? 1 : 0);
      d.log.info(leader ? 'cluster_leader' : 'cluster_follower', { replica: d.replica });
    },
    onError: (e) => d.log.warn('cluster_lease_failed', { error: e.message }),
  });
  const claimNotification = await openNotifyClaims(d.nc, { bucket: `${s.leaseBucket}_told`, ttlMs: s.streamMaxAgeMs, replicas: s.streamReplicas, holder: d.replica, log: d.log });
  let deciding = false;
  const decide = setInterval(() => {
    if (deciding || !lease.isLeader()) return;
    const decision = decider.decide(Date.now(), merger.mergedThrough, d.replica);
    if (!decision) return;
    deciding = true;
    js.publish(clusterSubject('merge', d.replica), new TextEncoder().encode(JSON.stringify(decision)))
      .catch((e: Error) => d.log.warn('cluster_publish_failed', { error: e.message }))
      // Not again until it is read back: the next decision starts from it.
      .then(() => waitUntil(() => merger.mergedThrough >= decision.through, 5000))
      .finally(() => (deciding = false));
  }, 250);

  return {
    window$: merged.asObservable(),
    onWindow: (r) => publisher.onWindow(r),
    afterAdvance: (now) => publisher.afterAdvance(now),
    beforeAck: () => publisher.nextPublished(),
    countedThrough: (seq) => {
      const through = counted.throughOf(seq);
      if (through !== undefined) metrics.recounted.inc();
      return through;
    },
    countedIn: (minute, seq) => publisher.countedIn(minute, seq),
    countRedelivered: (seq, events) => {
      metrics.apart.inc();
      const { windows, lastMinute } = windowsOfMessage(events, d.slowMs);
      publisher.addRedelivered(seq, windows);
      return lastMinute;
    },
    isLeader: () => lease.isLeader(),
    claimNotification,
    stats: () => ({ mergedThrough: merger.mergedThrough, latePartials: merger.latePartials, droppedPartials: merger.droppedPartials, live: decider.live(Date.now()) }),
    async stop() {
      clearInterval(decide);
      await publisher.stop();
      await lease.stop();
      messages.unsubscribe();
      await reading;
      merged.complete();
    },
  };
}

export async function ensureClusterStream(jsm: JetStreamManager, s: ClusterSettings): Promise<void> {
  try {
    await jsm.streams.info(s.stream);
  } catch {
    await jsm.streams
      .add({ name: s.stream, subjects: [`${CLUSTER_SUBJECT_PREFIX}.>`], storage: StorageType.File, num_replicas: s.streamReplicas, max_age: nanos(s.streamMaxAgeMs), duplicate_window: nanos(2 * 60_000), discard: DiscardPolicy.Old })
      .catch((e: Error) => {
        if (!/already in use|already exists/i.test(e.message)) throw e;
      });
  }
}

function clusterMetrics(registry: Registry, merger: MinuteMerger) {
  new Gauge({ name: 'starwatch_collector_cluster_late_partials', help: 'partial windows read after their minute was merged (not in it)', registers: [registry], collect() { this.set(merger.latePartials); } });
  new Gauge({ name: 'starwatch_collector_cluster_duplicate_partials', help: 'partial windows of redelivered messages left out of the merge: another replica had counted the message', registers: [registry], collect() { this.set(merger.duplicatePartials); } });
  new Gauge({ name: 'starwatch_collector_cluster_duplicate_messages', help: 'redelivered messages whose copy was left out of a merged minute: another replica had counted them', registers: [registry], collect() { this.set(merger.duplicateMessages); } });
  new Gauge({ name: 'starwatch_collector_cluster_dropped_partials', help: 'partial windows of replicas a merge left out as dead', registers: [registry], collect() { this.set(merger.droppedPartials); } });
  return {
    leader: new Gauge({ name: 'starwatch_collector_cluster_leader', help: '1 while this replica is the analysis leader', registers: [registry] }),
    recounted: new Counter({ name: 'starwatch_collector_cluster_redelivered_counted_total', help: 'redelivered messages another replica had already counted (in part or whole): those events are not counted again', registers: [registry] }),
    apart: new Counter({ name: 'starwatch_collector_cluster_redelivered_apart_total', help: 'redelivered messages counted apart (published under their stream sequence, merged once)', registers: [registry] }),
    bad: new Counter({ name: 'starwatch_collector_cluster_messages_refused_total', help: 'cluster stream messages that could not be read', registers: [registry] }),
  };
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await delay(20);
}


/** What start.ts hands over: the collector's own parts, so its wiring stays a few lines. */
export interface ReplicaParts {
  config: { cluster: ClusterSettings; replica: string; alerts: { latencyP95MaxMs?: number } };
  ackWaitMs: number;
  nc: NatsConnection;
  engine: { closedMinutesThrough(): number; openCount(): number };
  held(): number[];
  heldCount(): number;
  sink: Pick<PointSink, 'write' | 'writeWindow'>;
  log: Logger;
  registry: Registry;
}

export function startReplicaMode(p: ReplicaParts): Promise<ClusterHandle> {
  return startCluster({
    nc: p.nc,
    settings: p.config.cluster,
    replica: p.config.replica,
    ackWaitMs: p.ackWaitMs,
    closedThrough: () => p.engine.closedMinutesThrough(),
    idle: () => p.heldCount() === 0 && p.engine.openCount() === 0,
    held: p.held,
    slowMs: p.config.alerts.latencyP95MaxMs,
    sink: p.sink,
    log: p.log,
    registry: p.registry,
  });
}

/** The analysis's sink in replica mode: only the leader writes anomalies, forecasts and alerts. */
export function leaderOnly(sink: Pick<PointSink, 'write'>, cluster: Pick<ClusterHandle, 'isLeader'>): Pick<PointSink, 'write'> {
  return { write: (points) => (cluster.isLeader() ? sink.write(points) : undefined) };
}
