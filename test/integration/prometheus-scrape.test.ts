// The shipped Prometheus config (deploy/prometheus/) run by a real Prometheus against a real agent
// and collector: promtool accepts config and rules, both targets are up, and the recording rules
// have values once scans flow.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { parse, stringify } from 'yaml';
import { startAgentServer, type RunningAgent } from '../../agent/server/start.ts';
import { silentLogger } from '../../log/logger.ts';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import { startPrometheus, type LocalPrometheus } from '../../deploy/local/prometheus.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, quietLog } from './collector-setup.ts';

const SHIPPED = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url));
const RANDOM = fileURLToPath(new URL('../../models/v4-random.onnx', import.meta.url));
const services = useServices({ nats: true, influx: true });
const dir = tempDir('starwatch-scrape-');
let collector: CollectorHandle | undefined;
let agent: RunningAgent | undefined;
let prometheus: LocalPrometheus | undefined;

/** The shipped config with these targets, a 1 s pace and the shipped rule files by absolute path. */
function ourConfig(agentHost: string, collectorHost: string): string {
  const config = parse(readFileSync(join(SHIPPED, 'prometheus.yml'), 'utf8'));
  config.global = { scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = (config.rule_files as string[]).map((f) => join(SHIPPED, f));
  const targets: Record<string, string> = { 'starwatch-agent': agentHost, 'starwatch-collector': collectorHost };
  for (const job of config.scrape_configs) job.static_configs = [{ targets: [targets[job.job_name]] }];
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, stringify(config));
  return file;
}

async function api<T>(path: string): Promise<T> {
  const body = (await (await fetch(`${prometheus!.url}${path}`)).json()) as { status: string; data: T };
  assert.equal(body.status, 'success', path);
  return body.data;
}

// In a describe: its hooks run after the harness' services have started.
describe('the shipped Prometheus config', () => {
  before(async () => {
    collector = await startCollector(collectorConfig(services.nats.url, services.influx.url, 'scrape_test', { durable: 'scrape-test' }), quietLog);
    agent = await startAgentServer({ model: RANDOM, port: 0, host: '127.0.0.1', nats: { servers: [services.nats.url] }, agentId: 'scrape-agent', batchMs: 20, logger: silentLogger });
    prometheus = await startPrometheus(join(dir, 'prometheus'), { configFile: ourConfig(new URL(agent.url).host, new URL(collector.httpUrl).host) });
  });

  after(async () => {
    await prometheus?.stop();
    await agent?.close();
    await collector?.stop();
  });

  test('promtool accepts the shipped config and rules', () => {
    const config = execFileSync('promtool', ['check', 'config', join(SHIPPED, 'prometheus.yml')], { encoding: 'utf8' });
    assert.match(config, /SUCCESS: 3 rule files found/);
    const rules = execFileSync('promtool', ['check', 'rules', join(SHIPPED, 'starwatch-recording.rules.yaml'), join(SHIPPED, 'starwatch-alerts.rules.yaml'), join(SHIPPED, 'starwatch-collector.rules.yaml')], { encoding: 'utf8' });
    assert.equal(rules.match(/SUCCESS/g)?.length, 3, rules);
  });

  test('the agent and the collector are up, and the recording rules have values', async () => {
    type Targets = { activeTargets: { labels: { job: string }; health: string }[] };
    const targets = await waitFor(async () => {
      const t = await api<Targets>('/api/v1/targets');
      return t.activeTargets.length === 2 && t.activeTargets.every((x) => x.health === 'up') && t;
    }, { timeoutMs: 30_000, what: 'both targets up' });
    assert.deepEqual(targets.activeTargets.map((t) => t.labels.job).sort(), ['starwatch-agent', 'starwatch-collector']);

    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 10, g: 200, b: 30 } } }).png().toBuffer();
    type Vector = { metric: Record<string, string>; value: [number, string] }[];
    // A scan every 200 ms until the rate over the last minute shows them.
    const scans = setInterval(() => void fetch(`${agent!.url}/v1/scan`, { method: 'POST', body: png, headers: { 'content-type': 'image/png' } }).then((r) => r.arrayBuffer(), () => undefined), 200);
    try {
      const rate = await waitFor(async () => {
        const v = await api<{ result: Vector }>(`/api/v1/query?query=${encodeURIComponent('sum(starwatch:agent_scans:rate1m)')}`);
        return v.result.length === 1 && Number(v.result[0].value[1]) > 0 && v.result[0];
      }, { timeoutMs: 30_000, what: 'starwatch:agent_scans:rate1m above 0' });
      assert.ok(Number(rate.value[1]) > 0);
    } finally {
      clearInterval(scans);
    }

    type Rules = { groups: { name: string; rules: { type: string; health: string; name: string }[] }[] };
    const rules = (await api<Rules>('/api/v1/rules')).groups.flatMap((g) => g.rules);
    assert.equal(rules.filter((r) => r.type === 'alerting').length, 7);
    assert.equal(rules.filter((r) => r.type === 'recording').length, 5);
    const unhealthy = rules.filter((r) => r.health === 'err');
    assert.deepEqual(unhealthy, []);
  });
});
