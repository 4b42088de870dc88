// JetStream: the events stream exists and is bounded, the collector's consumer keeps up, and the
// agents' clocks agree with this one (their heartbeats carry their time).
import type { NatsConnection } from 'nats';
import { AgentHeartbeat } from '../schemas/heartbeat.ts';
import { EVENTS_STREAM, HEARTBEAT_SUBJECT_PREFIX } from '../schemas/subjects.ts';
import { validator } from '../schemas/validate.ts';
import { fail, guarded, ok, warn, type CheckResult } from './check.ts';

const checkHeartbeat = validator(AgentHeartbeat);

export async function checkStream(nc: NatsConnection): Promise<CheckResult[]> {
  const name = `stream ${EVENTS_STREAM}`;
  return guarded(name, 'start the collector once (it creates the stream), or check the NATS account it uses', async () => {
    const info = await (await nc.jetstreamManager()).streams.info(EVENTS_STREAM);
    const c = info.config;
    const limits = [c.max_age > 0 && `max age ${Math.round(c.max_age / 3.6e12)} h`, c.max_bytes > 0 && `max ${(c.max_bytes / 2 ** 30).toFixed(1)} GiB`].filter(Boolean);
    const usage = `${info.state.messages} messages, ${(info.state.bytes / 2 ** 20).toFixed(1)} MiB, ${c.num_replicas} replica(s)`;
    if (limits.length === 0) return warn(name, `${usage}; no age or size limit`, 'give the stream limits (the collector sets them on a new stream), or it grows until the disk is full');
    return ok(name, `${usage}; ${limits.join(', ')}`);
  });
}

export async function checkConsumer(nc: NatsConnection, durable: string, maxPending: number): Promise<CheckResult[]> {
  const name = `consumer ${durable}`;
  return guarded(name, 'start the collector (it creates its durable consumer), or pass the --durable it uses', async () => {
    const info = await (await nc.jetstreamManager()).consumers.info(EVENTS_STREAM, durable);
    const detail = `${info.num_pending} messages waiting, ${info.num_ack_pending} being worked on`;
    if (info.num_pending > maxPending) return fail(name, `lagging: ${detail}`, 'add collector replicas or look at why InfluxDB writes are slow (collector /metrics)');
    return ok(name, detail);
  });
}

/** Heartbeats heard within `waitMs`, each agent's clock against this machine's. */
export async function checkClocks(nc: NatsConnection, waitMs: number, maxSkewMs: number): Promise<CheckResult[]> {
  const skews = new Map<string, number>();
  const sub = nc.subscribe(`${HEARTBEAT_SUBJECT_PREFIX}.>`, { timeout: waitMs });
  const timer = setTimeout(() => sub.unsubscribe(), waitMs);
  try {
    for await (const m of sub) {
      const hb = checkHeartbeat(m.json());
      if (hb.ok) skews.set(hb.value.agent_id, hb.value.ts_ms - Date.now());
    }
  } catch {
    // the subscription's own timeout: nothing heard
  } finally {
    clearTimeout(timer);
  }
  if (skews.size === 0) return [fail('clocks', `no agent heartbeat in ${waitMs / 1000} s`, 'agents send one every 10 s: check that they run and reach this NATS')];
  return [...skews].map(([agent, skew]) =>
    Math.abs(skew) > maxSkewMs
      ? fail(`clock of ${agent}`, `${skew} ms off this machine`, 'run NTP (chrony, systemd-timesyncd) on both: windows are cut by the events\' own time')
      : ok(`clock of ${agent}`, `${skew} ms off this machine`),
  );
}
