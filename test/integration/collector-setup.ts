// Shared by the collector's integration tests: a config pointing at the harness services, and
// InfluxQL / JetStream helpers. Not a test file itself.
import { ensureStreams } from '../../collector/consume/streams.ts';
import { startCollector, streamSettingsOf } from '../../collector/start.ts';
import { makeEvent } from '../fixtures/collector-events.ts';
import { waitFor } from '../harness/services.ts';
import { connect, type NatsConnection } from 'nats';
import { DEFAULTS, type CollectorConfig } from '../../collector/config.ts';
import type { Logger } from '../../collector/log.ts';

export function collectorConfig(natsUrl: string, influxUrl: string, database: string, over: Partial<{
  allowedLatenessMs: number;
  idleGraceMs: number;
  ackWaitMs: number;
  durable: string;
  replica: string;
}> = {}): CollectorConfig {
  const c = structuredClone(DEFAULTS);
  c.nats.url = natsUrl;
  c.nats.durable = over.durable ?? 'collector-test';
  c.nats.ackWaitMs = over.ackWaitMs ?? 0;
  c.influx.url = influxUrl;
  c.influx.database = database;
  c.influx.flushIntervalMs = 100;
  c.windows.allowedLatenessMs = over.allowedLatenessMs ?? 500;
  c.windows.idleGraceMs = over.idleGraceMs ?? 300;
  c.replica = over.replica ?? '0';
  c.http.port = 0;
  c.logLevel = 'warn';
  return c;
}

export const quietLog: Logger = (() => {
  const noop = () => undefined;
  return { log: noop, info: noop, warn: noop, error: noop, debug: noop };
})();

export async function influxQL(url: string, db: string, q: string): Promise<any[]> {
  const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q, db }) });
  const body: any = await res.json();
  if (!res.ok || body.results?.[0]?.error) throw new Error(`${q}: ${JSON.stringify(body)}`);
  return body.results[0].series ?? [];
}

/** Rows of the first series as objects keyed by column. */
export function rows(series: any[]): Record<string, any>[] {
  return series.flatMap((s) => s.values.map((v: any[]) => Object.fromEntries(s.columns.map((c: string, i: number) => [c, v[i]]))));
}

/**
 * Whether a row has every named field. influxd keeps each field of a point as a series of its own,
 * so a read during the write can see some of them: a CI run (2026-12-01) read an anomaly point
 * with is_anomaly but without value and expected. Wait for the fields a test asserts on.
 */
export const written = (row: Record<string, any> | undefined, ...fields: string[]): boolean =>
  row !== undefined && fields.every((f) => row[f] !== null && row[f] !== undefined);

/**
 * Whether a row holds every expected value (undefined = not checked). A rewritten point's fields
 * become visible one by one, as `written` says, so a test reading a window as soon as one field
 * has its new value can see others still old or missing: a CI run (2026-12-02) read a rewritten
 * merged minute with clean_labelled and tp new but stego_labelled not yet there. Wait for the
 * whole row; a wrong figure then fails on the deadline.
 */
const whole = (row: Record<string, any> | undefined, expected: Record<string, unknown>): boolean =>
  row !== undefined && Object.entries(expected).every(([k, v]) => v === undefined || row[k] === v);

/** The row `read` gives once it is whole for `expected`; on the deadline, an error with the last row read. */
export async function readWhole(read: () => Promise<Record<string, any> | undefined>, expected: Record<string, unknown>, what: string, timeoutMs?: number): Promise<Record<string, any>> {
  let last: Record<string, any> | undefined;
  return waitFor(async () => (whole((last = await read()), expected) ? last : null), { what, timeoutMs }).catch((e: Error) => {
    throw new Error(`${e.message}; expected ${JSON.stringify(expected)}, last read ${JSON.stringify(last)}`);
  });
}

/** count(event_id) and count(distinct(event_id)) of raw points. */
export async function rawCounts(url: string, db: string): Promise<{ total: number; distinct: number }> {
  const [a] = await influxQL(url, db, 'SELECT count("event_id") FROM "raw"."inference"');
  const [b] = await influxQL(url, db, 'SELECT count(distinct("event_id")) FROM "raw"."inference"');
  return { total: a?.values[0][1] ?? 0, distinct: b?.values[0][1] ?? 0 };
}

export const natsConnect = (url: string): Promise<NatsConnection> => connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });

/** A collector and a NATS connection for `body`, both closed after it, whatever happens. */
export async function withCollector(config: CollectorConfig, body: (nc: NatsConnection, collector: Awaited<ReturnType<typeof startCollector>>) => Promise<void>): Promise<void> {
  const nc = await natsConnect(config.nats.url);
  try {
    const collector = await startCollector(config, quietLog);
    try {
      await body(nc, collector);
    } finally {
      await collector.stop();
    }
  } finally {
    await nc.close();
  }
}

/** `n` events over 3 minutes of event time from 3 agents, ending just before a minute boundary. */
export function spreadEvents(n: number, base: number): import('../../schemas/inference-event.ts').InferenceEvent[] {
  const span = 180_000;
  return Array.from({ length: n }, (_, i) =>
    makeEvent({
      id: `e-${i}`,
      agent: `agent-${i % 3}`,
      tsMs: base + Math.floor((i * span) / n),
      nsPart: i, // unique ts_ns per agent even within one millisecond
      totalMs: 1 + (i % 100) / 50,
      prob: (i % 10) / 10,
    }),
  ).concat(makeEvent({ id: 'e-last', agent: 'agent-0', tsMs: base + span - 1, nsPart: 999_999 }));
}

/** Sum of counts of the overall 1 min windows. */
export async function minuteTotal(url: string, db: string): Promise<number> {
  const [s] = await influxQL(url, db, `SELECT sum("count") FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = '*'`);
  return s?.values[0][1] ?? 0;
}

/** Each written overall 1 min window as `time count late`: what a short total is made of. */
export async function minuteCounts(url: string, db: string): Promise<string> {
  const [s] = await influxQL(url, db, `SELECT "count", "late" FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = '*'`).catch(() => []);
  return (s?.values ?? []).map((v: unknown[]) => v.join(' ')).join(', ') || 'none';
}

/** Creates the stream and consumer as the collector would, so a test can publish first. */
export async function prepareStreams(nc: NatsConnection, config: CollectorConfig): Promise<void> {
  await ensureStreams(await nc.jetstreamManager(), streamSettingsOf(config));
}
