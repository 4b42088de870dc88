// The model registry on real NATS and InfluxDB: an agent with a shadow candidate announces both
// models at start; GET /models/versions then lists each with its sha256, inputs, outputs, role
// and agent, first and last seen, its traffic share, the validation and training runs written
// for it and the state of its rollout (the collector's gate decision).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, quietLog } from './collector-setup.ts';
import { startCollector } from '../../collector/start.ts';
import { makeImages, postScan, startTestAgent } from './agent-stream.ts';
import { readOnnxMetadata } from '../../v4/onnx-metadata.ts';

const services = useServices({ nats: true, influx: true });
const DB = 'model_registry';
const TOKEN = 'model-registry-token-0123456789';
const CANDIDATE = 'models/v4-reference-int8.onnx';
/** The version the candidate announces, which the fixture runs below must name. */
const CANDIDATE_VERSION = readOnnxMetadata(readFileSync(CANDIDATE)).version;

test('agents announce their models; /models/versions lists every model with identity, roles, runs, share and rollout state', async () => {
  const config = collectorConfig(services.nats.url, services.influx.url, DB, { durable: 'model-registry' });
  config.api.token = TOKEN;
  config.api.port = 0;
  config.rollout.windowMs = 1000;
  config.rollout.closeAfterMs = 300;
  const collector = await startCollector(config, quietLog);
  const agent = await startTestAgent(services.nats.url, { agentId: 'registry-agent', rollout: { candidateModel: CANDIDATE, shadowShare: 0.5 } }).catch(async (e) => {
    await collector.stop();
    throw e;
  });
  try {
    const primary = agent.agent.model;
    for (const image of await makeImages(4)) assert.equal((await postScan(agent.url, image)).status, 200);
    // A validation run and a training run of the candidate, as `validate --publish` and `training ingest` write them.
    const now = Date.now() * 1e6;
    const write = await fetch(`${services.influx.url}/write?db=${DB}&rp=windows`, {
      method: 'POST',
      body: [`validation,model_version=${CANDIDATE_VERSION},dataset=d,kind=run,stream=none run_id="r1",fpr=0.1 ${now}`, `training,run=t1,model_version=${CANDIDATE_VERSION},metric=loss value=0.5,step=1 ${now}`].join('\n'),
    });
    assert.equal(write.status, 204, await write.text());
    const get = async () => (await (await fetch(`${collector.apiUrl}/models/versions`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()).versions as any[];
    const versions = await waitFor(async () => {
      const v = await get();
      const candidate = v.find((x) => x.roles.includes('candidate'));
      return v.length >= 2 && candidate?.rollout_state && v.some((x) => x.events_7d > 0) ? v : null;
    }, { what: 'both models, traffic and a rollout decision in the registry', timeoutMs: 120_000, intervalMs: 500 });
    const p = versions.find((x) => x.model_version === primary.version);
    const c = versions.find((x) => x.roles.includes('candidate'));
    assert.ok(p && c, JSON.stringify(versions));
    assert.equal(p.sha256, primary.sha256);
    assert.deepEqual(p.roles, ['primary']);
    assert.deepEqual(p.agents, ['registry-agent']);
    assert.equal(p.inputs.length, 8, `the V4 model takes eight streams: ${p.inputs}`);
    assert.ok(p.outputs.length > 0);
    assert.notEqual(c.sha256, p.sha256);
    assert.equal(c.model_version, CANDIDATE_VERSION, 'the fixture runs name this version');
    assert.equal(c.validation_runs, 1);
    assert.equal(c.training_runs, 1);
    assert.equal(c.rollout_state, 'wait', 'four requests are far from the 2 hours the gate wants');
    assert.equal(p.traffic_share, 1, 'shadow scans are not traffic');
    assert.equal(c.events_7d, 0);
    assert.ok(p.first_seen && p.first_seen <= p.last_seen, `${p.first_seen} .. ${p.last_seen}`);
  } finally {
    await agent.close();
    await collector.stop();
  }
});
