// `starwatch doctor`: a live deployment checked end to end, in the order data flows (agents ->
// NATS -> collector -> InfluxDB), each failure with its fix. Starlight's "verification phase" as
// one command.
import { connect } from 'nats';
import { connectionOptions, type NatsOptions } from '../agent/publish/connection.ts';
import { checkAgent } from './agent-checks.ts';
import { fail, type CheckResult } from './check.ts';
import { checkClocks, checkConsumer, checkStream } from './nats-checks.ts';
import { checkCollector, checkRetention, checkWriting, type InfluxTarget } from './store-checks.ts';
import type { AlertSettings } from '../collector/analysis/settings.ts';
import type { Policies } from '../grafana/variables.ts';
import { checkAlertDelivery } from './alert-checks.ts';
import { checkPanels } from './panel-checks.ts';

export interface DoctorOptions {
  agents: string[];
  collector: string;
  nats: NatsOptions;
  durable: string;
  influx: InfluxTarget;
  retentionPolicies: string[];
  /** Consumer messages waiting beyond which the collector counts as lagging. */
  maxPending: number;
  /** How long to listen for agent heartbeats (they come every 10 s). */
  heartbeatWaitMs: number;
  maxSkewMs: number;
  /** Newest window older than this: the collector is not writing. */
  writtenWithinS: number;
  timeoutMs: number;
  /** The retention policy names the boards are built for (the collector's influx.rpRaw / rpWindows). */
  policies: Policies;
  /** The collector's alert settings: its notifiers get a test notification. */
  alerts: Partial<AlertSettings>;
}

export async function runDoctor(o: DoctorOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const url of o.agents) results.push(...(await checkAgent(url, o.timeoutMs)));
  let nc;
  try {
    nc = await connect({ ...connectionOptions({ ...o.nats, name: 'starwatch-doctor' }), maxReconnectAttempts: 0, timeout: o.timeoutMs });
  } catch (e) {
    results.push(fail(`NATS ${o.nats.servers.join(',')}`, (e as Error).message, 'check the NATS URL and its token, creds or TLS files'));
  }
  if (nc) {
    try {
      results.push(...(await checkStream(nc)), ...(await checkConsumer(nc, o.durable, o.maxPending)), ...(await checkClocks(nc, o.heartbeatWaitMs, o.maxSkewMs)));
      results.push(...(await checkAlertDelivery(o.alerts, nc, o.timeoutMs)));
    } finally {
      await nc.close();
    }
  }
  results.push(...(await checkCollector(o.collector, o.timeoutMs)));
  results.push(...(await checkRetention(o.influx, o.retentionPolicies, o.timeoutMs)));
  results.push(...(await checkWriting(o.influx, o.writtenWithinS, o.timeoutMs)));
  results.push(...(await checkPanels(o.influx, o.policies, o.timeoutMs)));
  if (!nc) results.push(...(await checkAlertDelivery(o.alerts, undefined, o.timeoutMs)));
  return results;
}

const MARK = { ok: '[ ok ]', warn: '[warn]', fail: '[FAIL]' } as const;

export function checklistText(results: readonly CheckResult[]): string {
  const lines = results.flatMap((r) => [`${MARK[r.status]} ${r.name}: ${r.detail}`, ...(r.fix ? [`       fix: ${r.fix}`] : [])]);
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  lines.push('', failed ? `${failed} check(s) failed, ${warned} warning(s)` : `all ${results.length} checks passed${warned ? ` (${warned} warning(s))` : ''}`);
  return lines.join('\n');
}
