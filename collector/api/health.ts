// GET /health: is the collector up, can it reach NATS and InfluxDB, and how busy is it.
// Without the read token it says only up or down: the rest (dependencies, their errors, rates)
// helps an attacker map the system. Dependency checks are shared for a second so a probe storm does not become a ping storm.
import type { NatsConnection } from 'nats';
import { withoutSecrets } from '../log.ts';
import type { InfluxQL } from '../sinks/influxql.ts';
import type { Reply, RouteContext } from './route.ts';

const STARTED = Date.now();
const CACHE_MS = 1000;

interface Dependency {
  ok: boolean;
  latency_ms: number;
  error?: string;
}

interface Checked {
  at: number;
  result: Promise<{ nats: Dependency; influxdb: Dependency }>;
}

const cache = new WeakMap<object, Checked>();

export async function health(ctx: RouteContext): Promise<Reply> {
  const { nats, influx, hub, rates } = ctx.deps;
  const deps = await dependencies(ctx.deps, nats, influx);
  const ok = deps.nats.ok && deps.influxdb.ok;
  if (!ctx.reader) return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded' } };
  const body = {
    status: ok ? 'ok' : 'degraded',
    uptime_s: Math.round((Date.now() - STARTED) / 1000),
    dependencies: deps,
    rates: {
      requests_per_s: ctx.counters.requests.perSecond(),
      log_accepted_per_s: ctx.counters.logAccepted.perSecond(),
      log_rejected_per_s: ctx.counters.logRejected.perSecond(),
      ...(rates?.() ?? {}),
    },
    live: hub ? hub.stats() : null,
  };
  return { status: ok ? 200 : 503, body };
}

function dependencies(key: object, nats: NatsConnection, influx: InfluxQL): Checked['result'] {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.result;
  const result = Promise.all([checkNats(nats), influx.ping()]).then(([n, i]) => ({
    nats: n,
    influxdb: { ok: i.ok, latency_ms: round(i.ms), ...(i.error ? { error: withoutSecrets(i.error) } : {}) },
  }));
  cache.set(key, { at: Date.now(), result });
  return result;
}

async function checkNats(nc: NatsConnection): Promise<Dependency> {
  const start = performance.now();
  if (nc.isClosed()) return { ok: false, latency_ms: 0, error: 'connection closed' };
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer within 1000 ms')), 1000);
    });
    await Promise.race([nc.rtt(), timeout]).finally(() => clearTimeout(timer));
    return { ok: true, latency_ms: round(performance.now() - start) };
  } catch (e) {
    return { ok: false, latency_ms: round(performance.now() - start), error: withoutSecrets((e as Error).message) };
  }
}

const round = (ms: number): number => Math.round(ms * 100) / 100;
