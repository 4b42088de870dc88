// `starwatch bench cluster`: replica mode on a 3-node NATS JetStream cluster with 3 collector
// processes, the leader killed -9 and a NATS node stopped under load (bench/cluster-run.ts).
// Prints lost, duplicated, merged vs single-engine p95 per minute, and the failover time.
import type { Command } from 'commander';
import { runClusterScenario } from './cluster-run.ts';
import type { Bench, BenchReport } from './registry.ts';

export const clusterBench: Bench = {
  name: 'cluster',
  description: '3 collectors on a 3-node NATS cluster, leader killed and a node stopped: lost, duplicated, merged p95, failover',
  addOptions: (c: Command) =>
    c
      .option('--events <n>', 'events to send', '60000')
      .option('--minutes <n>', 'minutes of event time they span', '5')
      .option('--messages-per-second <n>', 'batches of 100 events published per second', '20'),
  run: async (o): Promise<BenchReport> => {
    const data = await runClusterScenario({ events: Number(o.events ?? 60_000), minutes: Number(o.minutes ?? 5), messagesPerSecond: Number(o.messagesPerSecond ?? 20) });
    const { minutes, ...figures } = data;
    const text = [
      ...Object.entries(figures).map(([k, v]) => `${k.padEnd(30)} ${typeof v === 'object' ? JSON.stringify(v) : v}`),
      ...minutes.map((m) => `minute ${m.start}  count ${m.count}/${m.expected_count}  p95 ${m.p95_ms}/${m.expected_p95_ms} ms`),
    ].join('\n');
    return { name: 'cluster', text, data: data as unknown as Record<string, unknown> };
  },
};
