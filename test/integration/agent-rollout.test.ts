// Shadow and canary in the agent, model mode and proxy mode, against a real nats-server: events
// say which model answered in which role, a shadowed image's two verdicts share a pair id, the
// client's answer is the primary's (shadow) or the candidate's (canary).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServices, waitFor } from '../harness/services.ts';
import { assertAll } from '../harness/assert-all.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { makeImages, postScan, readStoredEvents, startTestAgent } from './agent-stream.ts';

const services = useServices({ nats: true });
const CANDIDATE = 'models/v4-reference-int8.onnx';

async function eventsOf(agentId: string, n: number): Promise<InferenceEvent[]> {
  return waitFor(async () => {
    const events = (await readStoredEvents(services.nats.url)).events.filter((e) => e.agent_id === agentId);
    return events.length >= n ? events : null;
  }, { what: `${n} events of ${agentId}` });
}

test('model mode, shadow 0.5: every request answered by the primary, every second one scored again by the candidate', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'rollout-shadow', rollout: { candidateModel: CANDIDATE, shadowShare: 0.5, random: () => 0 } });
  try {
    const images = await makeImages(4);
    const answers = [];
    for (const image of images) answers.push(await postScan(agent.url, image));
    assertAll(answers, (a) => a.status === 200, 'answers');
    const primaryModel = agent.agent.model;
    assertAll(answers, (a) => (a.json.model as { sha256: string }).sha256 === primaryModel.sha256, 'answered by the primary');
    const events = await eventsOf('rollout-shadow', 6);
    assert.equal(events.length, 6);
    const primaries = events.filter((e) => e.rollout?.role === 'primary');
    const shadows = events.filter((e) => e.rollout?.role === 'shadow');
    assert.equal(primaries.length, 4);
    assert.equal(shadows.length, 2);
    assertAll(primaries, (e) => e.model.sha256 === primaryModel.sha256, 'primary model');
    assertAll(shadows, (e) => e.model.sha256 !== primaryModel.sha256, 'candidate model');
    for (const shadow of shadows) {
      const pair = primaries.find((p) => p.rollout?.pair_id === shadow.rollout?.pair_id);
      assert.ok(pair, `the shadow ${shadow.event_id} has its primary`);
      assert.equal(pair.input.bytes, shadow.input.bytes);
      assert.ok(shadow.outputs, 'the shadow scored the image');
    }
    assert.equal(primaries.filter((p) => p.rollout?.pair_id).length, 2);
    assert.equal(agent.shadows?.counts.scored, 2);
    const metrics = await (await fetch(`${agent.url}/metrics`)).text();
    assert.match(metrics, /starwatch_agent_shadow_scored_total 2/);
  } finally {
    await agent.close();
  }
});

test('model mode, canary 0.5: the candidate answers every second request and its event says so', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'rollout-canary', rollout: { candidateModel: CANDIDATE, canaryShare: 0.5, random: () => 0 } });
  try {
    const images = await makeImages(4);
    const answers = [];
    for (const image of images) answers.push(await postScan(agent.url, image));
    const byCandidate = answers.filter((a) => (a.json.model as { sha256: string }).sha256 !== agent.agent.model.sha256);
    assert.equal(byCandidate.length, 2);
    const events = await eventsOf('rollout-canary', 4);
    const canaries = events.filter((e) => e.rollout?.role === 'canary');
    assert.equal(canaries.length, 2);
    assert.deepEqual(canaries.map((e) => e.event_id).sort(), byCandidate.map((a) => a.json.event_id).sort());
    assert.equal(events.filter((e) => e.rollout?.role === 'primary').length, 2);
    assert.equal(agent.shadows, null);
  } finally {
    await agent.close();
  }
});

test('a share without a candidate is refused at start', async () => {
  await assert.rejects(startTestAgent(services.nats.url, { agentId: 'rollout-bad', rollout: { shadowShare: 0.1 } }), /needs --candidate-model/);
});

describeProxy();

function describeProxy(): void {
  const hits = { primary: 0, candidate: 0 };
  let primary: Server;
  let candidate: Server;
  const urls = { primary: '', candidate: '' };
  const upstream = (who: 'primary' | 'candidate'): Server =>
    createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        hits[who]++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ stego_probability: who === 'primary' ? 0.1 : 0.9, model_version: who === 'primary' ? 'v1' : 'v2', who }));
      });
    });
  const listen = async (server: Server): Promise<string> => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  before(async () => {
    primary = upstream('primary');
    candidate = upstream('candidate');
    urls.primary = await listen(primary);
    urls.candidate = await listen(candidate);
  });
  after(async () => {
    await new Promise<void>((r) => primary.close(() => r()));
    await new Promise<void>((r) => candidate.close(() => r()));
  });

  test('proxy mode: shadow calls the second upstream after the answer, canary answers from it', async () => {
    const shadow = await startTestAgent(services.nats.url, { agentId: 'rollout-proxy-s', proxy: urls.primary, rollout: { candidateUpstream: urls.candidate, shadowShare: 0.5, random: () => 0 } });
    const canary = await startTestAgent(services.nats.url, { agentId: 'rollout-proxy-c', proxy: urls.primary, rollout: { candidateUpstream: urls.candidate, canaryShare: 0.5, random: () => 0 } });
    try {
      const shadowAnswers = [];
      for (let i = 0; i < 4; i++) shadowAnswers.push(await postScan(shadow.url, new Uint8Array([i, 1, 2])));
      assertAll(shadowAnswers, (a) => a.json.who === 'primary', 'shadow mode answers');
      const canaryAnswers = [];
      for (let i = 0; i < 4; i++) canaryAnswers.push(await postScan(canary.url, new Uint8Array([i, 1, 2])));
      assert.deepEqual(canaryAnswers.map((a) => a.json.who).sort(), ['candidate', 'candidate', 'primary', 'primary']);

      const s = await eventsOf('rollout-proxy-s', 6);
      const shadows = s.filter((e) => e.rollout?.role === 'shadow');
      assert.equal(shadows.length, 2);
      assertAll(shadows, (e) => e.model.id === 'upstream-candidate' && e.model.version === 'v2' && e.outputs?.stego_prob === 0.9, 'shadow events');
      assertAll(shadows, (e) => s.some((p) => p.rollout?.role === 'primary' && p.rollout.pair_id === e.rollout?.pair_id), 'pairs');
      const c = await eventsOf('rollout-proxy-c', 4);
      const canaries = c.filter((e) => e.rollout?.role === 'canary');
      assert.equal(canaries.length, 2);
      assertAll(canaries, (e) => e.model.id === 'upstream-candidate' && e.model.version === 'v2', 'canary events');
      assert.equal(hits.candidate, 4);
    } finally {
      await shadow.close();
      await canary.close();
    }
  });
}
