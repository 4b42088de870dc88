// The rollout gate end to end on a real nats-server and influxd: agents publish the events of
// a canary (primary and canary verdicts, labelled) to NATS, the collector compares them and writes
// `rollout` points, and `starwatch rollout gate` (the CLI, as a child process) judges what
// InfluxDB holds. A canary equal to its baseline waits (exit 2) until the evidence suffices, then
// goes (0); one that misses a method is a no-go (1) naming that rule, and the collector's watch
// publishes a rollback request for it on NATS. Durations are short by configuration.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'nats';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, quietLog, influxQL } from '../integration/collector-setup.ts';
import { startCollector } from '../../collector/start.ts';
import { createAgent } from '../../agent/library/create-agent.ts';
import type { StarwatchAgent } from '../../agent/library/agent.ts';
import type { Observation } from '../../agent/events/observation.ts';
import type { Label, Rollout } from '../../schemas/inference-event.ts';
import { ROLLBACK_SUBJECT } from '../../schemas/subjects.ts';
import { silentLogger } from '../../log/logger.ts';

const services = useServices({ nats: true, influx: true });
const DB = 'rollout_gate';
const TOKEN = 'rollout-gate-token-0123456789';
const RULES = { fprMax: 0.05, fprRiseMax: 0.02, detectionDropMax: 0.01, latencyRatioMax: 1.2, minDurationMs: 3000, minCleanLabelled: 40, minStegoPerMethod: 40, minLatencySamples: 40 };
const RULE_FLAGS = ['--fpr-max', '0.05', '--fpr-rise-max', '0.02', '--min-duration', '3s', '--min-clean-labelled', '40', '--min-stego-per-method', '40', '--min-latency-samples', '40'];
const model = (version: string) => ({ id: 'm', version, sha256: '0'.repeat(64) });

function observation(label: Label, isStego: boolean, rollout: Rollout, version: string): Observation {
  return {
    source: 'scan',
    input: { format: 'PNG', bytes: 1000, width: 64, height: 64 },
    timings: { decode_ms: 1, preprocess_ms: 1, infer_ms: 3, total_ms: 5 },
    outputs: { stego_prob: isStego ? 0.9 : 0.1, is_stego: isStego, method: isStego ? 'alpha' : null, method_prob: isStego ? 0.9 : null, bit_order: null },
    errorCode: null,
    label,
    rollout,
    model: model(version),
  };
}

/** n clean and n alpha stego images, each scored by the primary and the canary. */
function send(agent: StarwatchAgent, candidate: string, n: number, canaryFindsAlpha: boolean): void {
  for (let i = 0; i < n; i++) {
    agent.emit(observation({ category: 'clean' }, false, { role: 'primary' }, 'base-1'));
    agent.emit(observation({ category: 'clean' }, false, { role: 'canary' }, candidate));
    agent.emit(observation({ category: 'stego', method: 'alpha' }, true, { role: 'primary' }, 'base-1'));
    agent.emit(observation({ category: 'stego', method: 'alpha' }, canaryFindsAlpha, { role: 'canary' }, candidate));
  }
}

function gate(candidate: string): Promise<{ code: number | null; out: string }> {
  const args = ['bin/starwatch.js', 'rollout', 'gate', '--candidate', candidate, '--baseline', 'base-1', '--since', '1h', '--influx-url', services.influx.url, '--database', DB, ...RULE_FLAGS];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function storedPairs(candidate: string): Promise<number> {
  const series = await influxQL(services.influx.url, DB, `SELECT sum("c_n") FROM "rollout" WHERE "candidate" = '${candidate}'`);
  return series[0]?.values[0][1] ?? 0;
}

test('gate: an equal canary waits, then goes; a canary missing a method is a no-go and is rolled back', async () => {
  // The rollback webhook: a plain HTTP server that keeps what it is sent.
  const hooked: string[] = [];
  const webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hooked.push(body);
      res.end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', () => r()));
  const config = collectorConfig(services.nats.url, services.influx.url, DB, { durable: 'rollout-gate' });
  config.rollout = { ...config.rollout, ...RULES, windowMs: 1000, closeAfterMs: 300, rollbackWebhook: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/rollback` };
  config.api.token = TOKEN;
  config.api.port = 0;
  const collector = await startCollector(config, quietLog).catch((e) => {
    webhook.close();
    throw e;
  });
  const nc = await connect({ servers: services.nats.url });
  const rollbacks = nc.subscribe(ROLLBACK_SUBJECT);
  const requests: { candidate: string; broken: string[] }[] = [];
  void (async () => {
    for await (const m of rollbacks) requests.push(JSON.parse(new TextDecoder().decode(m.data)));
  })();
  const agentOptions = { nats: services.nats.url, model: null, heartbeatMs: 0, batchMs: 20, logger: silentLogger };
  const equal = await createAgent({ ...agentOptions, agentId: 'canary-equal', modelRef: model('base-1') });
  const worse = await createAgent({ ...agentOptions, agentId: 'canary-worse', modelRef: model('base-1') });
  after(async () => {
    await equal.close(5000);
    await worse.close(5000);
    rollbacks.unsubscribe();
    await nc.close();
    await collector.stop();
    await new Promise<void>((r) => webhook.close(() => r()));
  });

  // Before the evidence suffices: too short, too few.
  send(equal, 'cand-equal', 10, true);
  send(worse, 'cand-worse', 30, false);
  await waitFor(async () => ((await storedPairs('cand-equal')) >= 20 && (await storedPairs('cand-worse')) >= 60) || null, { what: 'the first rollout points', timeoutMs: 60_000 });
  const early = await gate('cand-equal');
  assert.equal(early.code, 2, early.out);
  assert.match(early.out, /WAIT/);
  assert.match(early.out, /needs \d+ more clean labelled requests on the candidate/);

  // The worse canary: 0 of 30 alpha found is surely below the baseline's 100%, at once.
  const bad = await gate('cand-worse');
  assert.equal(bad.code, 1, bad.out);
  assert.match(bad.out, /broken: detection_alpha$/m);
  const request = await waitFor(() => requests.find((r) => r.candidate === 'cand-worse') ?? null, { what: 'the rollback request on NATS' });
  assert.deepEqual(request.broken, ['detection_alpha']);
  assert.equal(requests.some((r) => r.candidate === 'cand-equal'), false);
  const posted = await waitFor(() => hooked.find((b) => b.includes('cand-worse')) ?? null, { what: 'the rollback request at the webhook' });
  assert.deepEqual(JSON.parse(posted).broken, ['detection_alpha']);
  // The comparison as the API shows it: alpha detection of each side with its interval.
  const compare = await (await fetch(`${collector.apiUrl}/rollout/compare?baseline=base-1&candidate=cand-worse&since=1h`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  assert.equal(compare.candidate_side.detection.alpha.rate, 0);
  assert.equal(compare.baseline_side.detection.alpha.rate, 1);
  assert.equal(compare.candidate_side.detection.alpha.n, 30);
  assert.ok(compare.candidate_side.detection.alpha.upper < 0.2, JSON.stringify(compare.candidate_side.detection.alpha));
  assert.equal(compare.candidate_side.fpr.rate, 0);
  assert.equal(compare.latency_ratio, 1);
  const decisions = await influxQL(services.influx.url, DB, `SELECT "message" FROM "rollout_decision" WHERE "candidate" = 'cand-worse' AND "verdict" = 'no-go'`);
  assert.match(String(decisions[0]?.values[0][1]), /detection_alpha/);

  // The equal canary over more than the minimum duration, with enough labels.
  const started = Date.now();
  while (Date.now() - started < 3500) {
    send(equal, 'cand-equal', 4, true);
    await new Promise((r) => setTimeout(r, 250));
  }
  await waitFor(async () => ((await storedPairs('cand-equal')) >= 40 * 2 + 20 ? true : null), { what: 'enough rollout points', timeoutMs: 60_000 });
  const go = await waitFor(async () => {
    const r = await gate('cand-equal');
    return r.code === 0 ? r : null;
  }, { what: 'gate exit 0', timeoutMs: 120_000 });
  assert.match(go.out, /GO/);
});
