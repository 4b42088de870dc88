// The analysis stage live in the collector, through real nats-server and influxd: an alert goes
// pending -> firing -> resolved (on NATS starwatch.v1.alerts, in InfluxDB `alert`, on a real
// webhook server), firing is told once while it persists; a burst of one method is flagged
// as an anomaly whose root cause names the method; forecasts and drift scores are written.
// Event time is compressed: 15 minutes of windows, half an hour in the past, replayed at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from 'nats';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import { createLogger } from '../../collector/log.ts';
import type { AlertNotification } from '../../collector/alerts/notification.ts';
import { ALERTS_SUBJECT } from '../../schemas/subjects.ts';
import { makeEvent, publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { AGENTS, scenarioEvents } from '../fixtures/analysis-scenario.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, natsConnect, rows, written } from './collector-setup.ts';
import { assertAll } from '../harness/assert-all.ts';

const services = useServices({ nats: true, influx: true });
const DB = 'alerts_test';
const WEBHOOK_SECRET = 'T0ALERTS/B0ALERTS/SeCrEtToKeN42';
const RULE = 'latency_p95_above_target';

// Half an hour ago, on a minute boundary.
const base = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
const S = 1000;
const phases = {
  slowFrom: 600 * S, // p95 latency 8 ms for 90 s (threshold 5 ms, for 30 s)
  slowTo: 690 * S,
  burstFrom: 780 * S, // 30 s of extra stego verdicts, all method exif
  burstTo: 810 * S,
  end: 900 * S,
};

const scenario = () => [
  ...scenarioEvents({
    base,
    end: phases.end,
    slow: { from: phases.slowFrom, to: phases.slowTo },
    burst: { from: phases.burstFrom, to: phases.burstTo, method: 'exif', agents: [...AGENTS] },
  }),
  makeEvent({ id: 'watermark', agent: AGENTS[0], modelVersion: 'v4.0.0', tsMs: base + phases.end + 120 * S }),
];

// Inside a describe so the services (root hooks) are up before this setup runs.
describe('collector alerts, anomalies and forecasts', () => {
  let webhook: Server;
  let webhookUrl = '';
  const hooks: { path: string; body: { text: string } }[] = [];
  let nc: NatsConnection;
  const notices: AlertNotification[] = [];
  const logLines: string[] = [];
  let collector: CollectorHandle;

  before(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push({ path: req.url ?? '', body: JSON.parse(body) });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/services/${WEBHOOK_SECRET}`;

    nc = await natsConnect(services.nats.url);
    const sub = nc.subscribe(ALERTS_SUBJECT);
    void (async () => {
      for await (const m of sub) notices.push(JSON.parse(new TextDecoder().decode(m.data)));
    })();
    await nc.flush();

    // Small batches, sent in order, and a lateness above a batch's span: no event misses its window.
    // Windows close by event time only (a last event 2 min after the scenario pushes the
    // watermark past them), never by the wall clock: a stall of this busy machine cannot close
    // a window early.
    const config = collectorConfig(services.nats.url, services.influx.url, DB, { durable: 'alerts-test', allowedLatenessMs: 6000, idleGraceMs: 60_000 });
    config.alerts.forMs = 30_000;
    config.alerts.webhookUrl = webhookUrl;
    config.logLevel = 'info';
    collector = await startCollector(config, createLogger('debug', (line) => logLines.push(line)));
    await publishBatches(nc.jetstream(), toBatches(scenario(), 8), 1);
  });

  after(async () => {
    await collector?.stop();
    await nc?.drain();
    await new Promise<void>((r) => webhook.close(() => r()));
  });

  const forOverall = (n: AlertNotification) => n.rule === RULE && n.key === 'overall';

  test('p95 latency over 5 ms for long enough: pending -> firing -> resolved, told once each on NATS and the webhook', async () => {
    await waitFor(() => notices.some((n) => forOverall(n) && n.status === 'resolved'), { timeoutMs: 60_000, what: 'resolved on NATS' });
    // Firing and resolved were dispatched one after the other; the webhook gets them in order.
    await waitFor(() => hooks.filter((h) => h.body.text.includes(`${RULE} overall`)).length >= 2, { timeoutMs: 10_000, what: 'webhook posts' });

    const onNats = notices.filter(forOverall);
    assert.deepEqual(onNats.map((n) => n.status), ['firing', 'resolved'], 'one firing while it persisted (9 slow windows), then one resolved');
    assert.equal(onNats[0].id, onNats[1].id, 'the same episode resolves');
    assert.ok(onNats[0].value > 5, `value ${onNats[0].value}`);
    assert.equal(onNats[0].threshold, 5);
    // Fired 30 s (event time) after the first slow window closed; resolved at the first healthy one.
    assert.equal(Date.parse(onNats[0].startsAt), base + phases.slowFrom + 40 * S);
    assert.equal(Date.parse(onNats[1].endsAt!), base + phases.slowTo + 10 * S);

    const posted = hooks.filter((h) => h.body.text.includes(`${RULE} overall`)).map((h) => h.body.text.split(' ').slice(0, 2).join(' '));
    assert.deepEqual(posted, ['[FIRING] warning', '[RESOLVED] warning']);
    assertAll(hooks, (h) => h.path === `/services/${WEBHOOK_SECRET}`, 'webhook path');

    const states = await waitFor(
      async () => {
        const r = rows(await influxQL(services.influx.url, DB, `SELECT * FROM "alert" WHERE "rule" = '${RULE}' AND "key" = 'overall'`));
        return r.length >= 3 && r.every((x) => written(x, 'alert_id', 'message')) && written(r[1], 'text', 'root_cause') ? r : null;
      },
      { timeoutMs: 10_000, what: 'alert points, every field written' },
    );
    assert.deepEqual(states.map((r) => r.state), ['pending', 'firing', 'resolved']);
    assert.deepEqual(
      states.map((r) => Date.parse(r.time)),
      [base + phases.slowFrom + 10 * S, base + phases.slowFrom + 40 * S, base + phases.slowTo + 10 * S],
    );
    assert.equal(new Set(states.map((r) => r.alert_id)).size, 1);
    assert.equal(states[1].severity, 'warning');
    assert.match(states[1].message, /p95 latency 8\.\d+ ms > 5 ms/);
    // The firing point carries the latency's root-cause ranking: in words (the board's region text) and as JSON.
    assert.match(states[1].text, /^p95 latency 8\.\d+ ms > 5 ms; root cause: \w+=/);
    assert.ok(JSON.parse(states[1].root_cause).length > 0, states[1].root_cause);
  });

  test('a burst of one method is an anomaly whose root cause names the method first', async () => {
    const flagged = await waitFor(
      async () => {
        const [first] = rows(
          await influxQL(
            services.influx.url,
            DB,
            `SELECT * FROM "anomaly" WHERE "series" = 'stego_rate' AND "agent" = '*' AND "model_version" = '*' AND "is_anomaly" = true`,
          ),
        );
        return written(first, 'value', 'expected', 'root_cause') ? first : undefined;
      },
      { timeoutMs: 30_000, what: 'stego_rate anomaly, every field written' },
    );
    if (Date.parse(flagged.time) !== base + phases.burstFrom) {
      const w = rows(await influxQL(services.influx.url, DB, `SELECT "count", "stego_rate", "late" FROM "window" WHERE "granularity" = '10s' AND "agent" = '*' AND "model_version" = '*'`));
      const m = rows(await influxQL(services.influx.url, DB, `SELECT "count", "late" FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = '*'`));
      const l = rows(await influxQL(services.influx.url, DB, `SELECT "count", "late" FROM "window" WHERE "granularity" = '1s' AND "agent" = '*' AND "model_version" = '*' AND "late" > 0`));
      assert.fail(`flagged at ${(Date.parse(flagged.time) - base) / S} s, not on the first burst window; stats ${JSON.stringify(collector.stats())} minutes ${JSON.stringify(m.map((r) => [(Date.parse(r.time) - base) / S, r.count, r.late]))} late ${JSON.stringify(l)} windows: ${JSON.stringify(w.filter((r) => r.count !== 40).map((r) => [(Date.parse(r.time) - base) / S, r.count, r.stego_rate, r.late]))}`);
    }
    assert.ok(flagged.value > 0.3 && flagged.expected < 0.15, `value ${flagged.value}, expected ${flagged.expected}`);
    const ranking = JSON.parse(flagged.root_cause);
    assert.equal(ranking[0].dim, 'method', flagged.root_cause);
    assert.equal(ranking[0].value, 'exif');
    assert.equal(ranking[0].succinct, true);
    assert.ok(ranking[0].explained > 0.9, `explained ${ranking[0].explained}`);
    // The burst was spread evenly over agents, models, formats and sizes: none is as surprising.
    for (const d of ranking.slice(1)) assert.ok(d.surprise < ranking[0].surprise / 2, JSON.stringify(d));

    // Healthy windows are scored too, unflagged and without a root cause.
    const [quiet] = await influxQL(services.influx.url, DB, `SELECT count("score") FROM "anomaly" WHERE "series" = 'stego_rate' AND "is_anomaly" = false AND "agent" = '*' AND "model_version" = '*'`);
    assert.ok(quiet.values[0][1] >= 60, JSON.stringify(quiet.values));
  });

  test('forecasts with intervals and drift scores are written; no secret reaches the logs', async () => {
    const forecast = await waitFor(
      async () => {
        const r = rows(await influxQL(services.influx.url, DB, `SELECT * FROM "forecast" WHERE "series" = 'latency_p95' AND "model_version" = '*' AND "granularity" = '1m'`));
        return r.length >= 60 && r.every((f) => written(f, 'yhat', 'lower', 'upper', 'horizon_s')) ? r : null;
      },
      { timeoutMs: 30_000, what: 'forecast points, every field written' },
    );
    assert.ok(forecast.length >= 60, `${forecast.length} forecast points`);
    // The path ahead (horizon > 0), and each refresh's observed point (horizon 0) with its crossing.
    for (const f of forecast) assert.ok(f.lower <= f.yhat && f.yhat <= f.upper && f.horizon_s >= 0, JSON.stringify(f));
    assert.ok(forecast.some((f) => f.horizon_s > 0) && forecast.some((f) => f.horizon_s === 0 && typeof f.crosses === 'boolean'));

    const drift = rows(await influxQL(services.influx.url, DB, `SELECT * FROM "drift" WHERE "facet" = 'stego_prob' AND "model_version" = '*'`));
    assert.ok(drift.length > 0, 'drift scores once the reference period (10 min) has passed');
    const burstPsi = Math.max(...drift.filter((d) => Date.parse(d.time) >= base + phases.burstFrom && Date.parse(d.time) < base + phases.burstTo + 60 * S).map((d) => d.psi));
    const calmPsi = Math.max(...drift.filter((d) => Date.parse(d.time) < base + phases.slowFrom + 60 * S).map((d) => d.psi));
    assert.ok(burstPsi > 0.1 && burstPsi > 5 * calmPsi, `psi during the burst ${burstPsi}, before ${calmPsi}`);

    assert.ok(logLines.some((l) => l.includes('alert_transition')), 'transitions are logged');
    assert.ok(!logLines.some((l) => l.includes('SeCrEtToKeN42')), 'the webhook token never reaches a log line');
    assert.equal(collector.analysis.stats().failures, 0);
  });
});
