// Alert handling in the collector, through real nats-server and influxd and a real webhook
// receiver (a node:http server): one model (so `overall` and its model scope are one, told once),
// the evidence rule (a dozen labelled images with one false positive do not page, a sustained 30%
// does), a flapping latency condition told as one alert, a silence set through the API and the CLI
// that holds a notification back, and a restart that neither re-tells a firing alert nor loses its
// resolution (state in the NATS KV bucket). Event time is compressed: phases are replayed at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { NatsConnection } from 'nats';
import type { AlertNotification } from '../../collector/alerts/notification.ts';
import type { CollectorConfig } from '../../collector/config.ts';
import { createLogger } from '../../collector/log.ts';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { ALERTS_SUBJECT, eventsSubject } from '../../schemas/subjects.ts';
import { makeEvent, toBatches } from '../fixtures/collector-events.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, natsConnect, rows } from './collector-setup.ts';

const services = useServices({ nats: true, influx: true });
const DB = 'alerts_handling_test';
const TOKEN = 'alerts-handling-token-0123456789';
const WRITE_TOKEN = 'alerts-handling-write-9876543210';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const S = 1000;
const AGENT = 'edge-1';
// An hour ago, on a minute boundary: every phase is in the past and replayed at once.
const base = Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000;

interface Phase {
  from: number;
  to: number;
  /** Share of events labelled clean (0..1), and of those, the share flagged stego (false positives). */
  labelled?: number;
  fpShare?: number;
  /** Labelled clean events at these offsets only (sparse labels), `fpAt` among them flagged. */
  sparse?: { every: number; fpAt: number };
  /** Slow (8 ms) in these 10 s windows (offsets of their starts). */
  slowWindows?: number[];
}

/** 4 events/s of one agent and model; latency 2 ms unless slow; labels and false positives as asked. */
function phaseEvents(p: Phase, tag: string): InferenceEvent[] {
  const out: InferenceEvent[] = [];
  for (let t = p.from, i = 0; t < p.to; t += 250, i++) {
    const windowStart = Math.floor(t / 10_000) * 10_000;
    const slow = p.slowWindows?.includes(windowStart) ?? false;
    let label: InferenceEvent['label'] | undefined;
    let fp = false;
    if (p.labelled !== undefined && (i % 100) / 100 < p.labelled) {
      label = { category: 'clean' };
      fp = (i % 10) / 10 < (p.fpShare ?? 0);
    }
    if (p.sparse && t % p.sparse.every === 0) {
      label = { category: 'clean' };
      fp = t === p.sparse.fpAt;
    }
    out.push(
      makeEvent({ id: `${tag}-${i}`, agent: AGENT, modelVersion: 'v4.0.0', tsMs: base + t, nsPart: 1, totalMs: slow ? 8 : 2, prob: fp ? 0.9 : 0.1, label }),
    );
  }
  return out;
}

/** An event far enough ahead that every window before it closes (lateness 6 s, 1 min windows). */
const watermark = (at: number, tag: string): InferenceEvent => makeEvent({ id: `wm-${tag}`, agent: AGENT, modelVersion: 'v4.0.0', tsMs: base + at, nsPart: 2 });

async function publish(nc: NatsConnection, events: InferenceEvent[], step: string): Promise<void> {
  const js = nc.jetstream();
  for (const b of toBatches(events, 8)) await js.publish(eventsSubject(b.agent), b.data, { msgID: `${step}:${b.seq}` });
}

describe('alert handling: evidence, grouping, flapping, silences, restarts', () => {
  let webhook: Server;
  const posts: { text: string }[] = [];
  let nc: NatsConnection;
  const notices: AlertNotification[] = [];
  let collector: CollectorHandle | undefined;
  let config: CollectorConfig;
  const logLines: string[] = [];

  const start = async (): Promise<CollectorHandle> => (collector = await startCollector(config, createLogger('info', (l) => logLines.push(l))));

  before(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        posts.push(JSON.parse(body));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    nc = await natsConnect(services.nats.url);
    const sub = nc.subscribe(ALERTS_SUBJECT);
    void (async () => {
      for await (const m of sub) notices.push(JSON.parse(new TextDecoder().decode(m.data)));
    })();
    await nc.flush();

    config = collectorConfig(services.nats.url, services.influx.url, DB, { durable: 'alerts-handling', allowedLatenessMs: 6000, idleGraceMs: 60_000 });
    config.alerts.webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
    config.alerts.forMs = 0;
    config.alerts.fprMax = 0.05;
    config.alerts.keepFiringForMs = 30_000;
    config.alerts.groupWaitMs = 0;
    config.api.token = TOKEN;
    config.api.writeToken = WRITE_TOKEN;
    config.api.port = 0;
    await start();
  });

  after(async () => {
    await collector?.stop();
    await nc?.drain();
    await new Promise<void>((r) => webhook.close(() => r()));
  });

  const told = (rule: string) => notices.filter((n) => n.alerts?.some((a) => a.rule === rule));

  test('evidence and flapping: a dozen images do not page, 30% FPR does; a flapping latency is one alert; one scope for one model', async () => {
    await publish(
      nc,
      [
        ...phaseEvents({ from: 0, to: 120 * S }, 'a'), // steady, unlabelled
        // 12 labelled clean images in a minute, one flagged: its 10 s window alone reads FPR 50%.
        ...phaseEvents({ from: 120 * S, to: 180 * S, sparse: { every: 5 * S, fpAt: 150 * S } }, 'b'),
        ...phaseEvents({ from: 180 * S, to: 240 * S, labelled: 1, fpShare: 0.3 }, 'c'), // 240 images, 30% flagged
        ...phaseEvents({ from: 240 * S, to: 360 * S, labelled: 1, fpShare: 0 }, 'd'),
        ...phaseEvents({ from: 360 * S, to: 480 * S, slowWindows: [360 * S, 380 * S, 400 * S] }, 'e'), // slow, fast, slow, fast, slow
        watermark(600 * S, '1'),
      ],
      'step1',
    );
    await waitFor(() => told('latency_p95_above_target').some((n) => n.status === 'resolved'), { timeoutMs: 90_000, what: 'the latency alert resolved' });

    const fpr = told('fpr_above_target');
    assert.deepEqual(fpr.map((n) => n.status), ['firing', 'resolved'], 'FPR told once firing, once resolved');
    assert.ok(Date.parse(fpr[0].startsAt) >= base + 180 * S, `fired at ${fpr[0].startsAt}: not on the sparse minute (1 of 12), only on the 30% one`);
    assert.match(fpr[0].summary, /95% CI .*n=\d+/);
    const fprWindows = rows(await influxQL(services.influx.url, DB, `SELECT "fpr" FROM "window" WHERE "granularity" = '10s' AND "agent" = '*' AND "model_version" = '*' AND time >= ${(base + 120 * S) * 1e6} AND time < ${(base + 180 * S) * 1e6}`));
    assert.ok(fprWindows.some((r) => r.fpr >= 0.5), `the sparse minute has a 10 s window with FPR >= 50%: ${JSON.stringify(fprWindows)}`);

    const latency = told('latency_p95_above_target');
    assert.deepEqual(latency.map((n) => n.status), ['firing', 'resolved'], 'flapping slow/fast windows: one alert');
    assert.equal(latency[0].id, latency[1].id);
    assert.equal(Date.parse(latency[1].endsAt!), base + 420 * S, 'resolved as of the end of the last slow window');

    assert.deepEqual(new Set(notices.map((n) => n.key.split('/')[0])), new Set(['overall']), 'one model: its scope is overall, told once');
    const hookTexts = posts.map((p) => p.text.split(' ').slice(0, 3).join(' '));
    assert.deepEqual(hookTexts.sort(), ['[FIRING] critical fpr_above_target', '[FIRING] warning latency_p95_above_target', '[RESOLVED] critical fpr_above_target', '[RESOLVED] warning latency_p95_above_target']);
  });

  test('a silence set through the API holds its notification back; the CLI lists and expires it', async () => {
    const api = collector!.apiUrl!;
    const post = (path: string, body: unknown) =>
      fetch(`${api}${path}`, { method: 'POST', headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const readOnly = await fetch(`${api}/alerts/silences/add`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ matchers: { family: 'latency' }, for: '1h' }) });
    assert.equal(readOnly.status, 403, 'the read token cannot silence alerts');
    const bad = await post('/alerts/silences/add', { matchers: { colour: 'red' }, for: '1h' });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, 'silence_invalid');
    const added = await post('/alerts/silences/add', { matchers: { family: 'latency' }, for: '1h', comment: 'load test' });
    assert.equal(added.status, 200);
    const { silence } = await added.json();

    const before = posts.length;
    await publish(nc, [...phaseEvents({ from: 600 * S, to: 720 * S, slowWindows: [600 * S, 610 * S, 620 * S, 630 * S] }, 'f'), watermark(800 * S, '2')], 'step2');
    const firing = await waitFor(
      async () => {
        const r = rows(await influxQL(services.influx.url, DB, `SELECT * FROM "alert" WHERE "rule" = 'latency_p95_above_target' AND "state" = 'firing' AND time >= ${(base + 600 * S) * 1e6}`));
        return r.length > 0 ? r : null;
      },
      { timeoutMs: 60_000, what: 'the silenced latency alert stored as firing' },
    );
    assert.equal(firing[0].key, 'overall');
    await waitFor(() => collector!.analysis.alerts().some((a) => a.ruleId === 'latency_p95_above_target' && a.state === 'resolved' && (a.resolvedAt ?? 0) >= base + 640 * S), {
      timeoutMs: 60_000,
      what: 'the silenced alert resolved',
    });
    assert.equal(posts.length, before, 'nothing posted while silenced');

    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['bin/starwatch.js', 'silence', ...args, '--url', api, '--json'], {
        cwd: REPO,
        env: { ...process.env, STARWATCH_API_TOKEN: TOKEN, STARWATCH_API_WRITE_TOKEN: WRITE_TOKEN },
      });
    const listed = JSON.parse((await cli('list')).stdout);
    assert.deepEqual(listed.map((s: { id: string }) => s.id), [silence.id]);
    assert.deepEqual(listed[0].matchers, { family: 'latency' });
    await cli('expire', silence.id);
    assert.deepEqual(JSON.parse((await cli('list')).stdout), []);
    const added2 = JSON.parse((await cli('add', '--match', 'rule=fpr_*', '--for', '30m')).stdout);
    assert.deepEqual(added2.matchers, { rule: 'fpr_*' });
    await cli('expire', added2.id);
  });

  test('restart: a firing alert keeps its id and is not told again; cleared while down, it resolves after the restart', async () => {
    await publish(nc, [...phaseEvents({ from: 800 * S, to: 860 * S, labelled: 1, fpShare: 0.3 }, 'g'), watermark(1000 * S, '3')], 'step3');
    await waitFor(() => told('fpr_above_target').filter((n) => n.status === 'firing').length === 2, { timeoutMs: 60_000, what: 'the second FPR episode told' });
    const episode = told('fpr_above_target').at(-1)!;
    await collector!.stop();
    collector = undefined;

    // While the collector is down, FPR is fine again.
    await publish(nc, [...phaseEvents({ from: 1000 * S, to: 1120 * S, labelled: 1, fpShare: 0 }, 'h'), watermark(1300 * S, '4')], 'step4');
    await start();
    assert.ok(logLines.some((l) => l.includes('alert_state_restored')), 'the state came back from the KV bucket');
    await waitFor(() => told('fpr_above_target').at(-1)?.status === 'resolved', { timeoutMs: 90_000, what: 'the FPR alert resolved after the restart' });
    const after = told('fpr_above_target').filter((n) => Date.parse(n.startsAt) >= base + 800 * S);
    assert.deepEqual(after.map((n) => [n.status, n.id]), [['firing', episode.id], ['resolved', episode.id]], 'no second firing, the same id resolves');
  });

  test('a stored state that cannot be read is logged and left behind; the collector still starts', async () => {
    await collector!.stop();
    collector = undefined;
    const kv = await nc.jetstream().views.kv(config.alerts.stateBucket);
    await kv.put('state.0', '{"v": 99}');
    logLines.length = 0;
    await start();
    assert.ok(logLines.some((l) => l.includes('alert_state_unreadable')), logLines.filter((l) => l.includes('alert')).join('\n'));
    assert.deepEqual(collector!.analysis.alerts(), []);
  });
});
