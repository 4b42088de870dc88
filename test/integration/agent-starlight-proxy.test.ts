// The agent attached in front of a service that answers like Starlight's scanner.py, with
// --proxy-preset starlight-v4: Starlight's method names become ours in the events (they used to
// become null), a verdict made stego by an extracted message is counted, an unknown method name is
// counted and logged (never dropped silently), and a label {"method":"eoi"} is accepted.
import { byLevel } from '../../log/logger.ts';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VERDICT_PRESETS } from '../../agent/proxy/verdict-fields.ts';
import type { RunningAgent } from '../../agent/server/start.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { postScan, readStoredEvents, startTestAgent } from './agent-stream.ts';

const services = useServices({ nats: true });

/** scanner.py's answers, chosen by the first byte of the upload. */
const ANSWERS: Record<string, object> = {
  e: { is_stego: true, stego_probability: 0.96, method_id: 4, bit_order: 'none', stego_type: 'eoi', confidence: 0.93 },
  l: { is_stego: true, stego_probability: 0.91, method_id: 2, bit_order: 'msb-first', stego_type: 'lsb', confidence: 0.8 },
  x: { is_stego: false, stego_probability: 0.3, method_id: 0, bit_order: 'lsb-first', stego_type: 'alpha', confidence: 0.4, extracted_message: 'AI42 hi' },
  d: { is_stego: true, stego_probability: 0.88, method_id: 2, bit_order: 'none', stego_type: 'dct', confidence: 0.7 },
};

describe('agent in front of Starlight (proxy preset starlight-v4)', () => {
  let upstream: Server;
  let agent: RunningAgent;
  const logs: string[] = [];

  before(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.stringify(ANSWERS[String.fromCharCode(Buffer.concat(chunks)[0])]);
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const { port } = upstream.address() as AddressInfo;
    const log = (line: string) => logs.push(line);
    agent = await startTestAgent(services.nats.url, {
      proxy: `http://127.0.0.1:${port}/v1/scan`,
      proxyFields: VERDICT_PRESETS['starlight-v4'],
      logger: byLevel((_, line) => log(line)),
    });
  });

  after(async () => {
    await agent?.close();
    await new Promise((r) => upstream?.close(r));
  });

  test('methods, the extraction override and unknown names, as events and counters', async () => {
    for (const first of ['e', 'l', 'x', 'd']) assert.equal((await postScan(agent.url, Buffer.from(`${first}-image`))).status, 200);
    const labelled = await postScan(agent.url, Buffer.from('e-labelled'), { headers: { 'x-starwatch-label': '{"category":"stego","method":"eoi"}' } });
    assert.equal(labelled.status, 200, 'a label in Starlight\'s words is accepted');

    const stored = await waitFor(async () => {
      const s = await readStoredEvents(services.nats.url);
      return s.events.length === 5 ? s : null;
    }, { timeoutMs: 20_000, what: 'five events in the stream' });
    // The publisher keeps several batches in flight and retries one until it is acked, so the
    // stream may hold a request's event after a later one's; the agent's clock orders them.
    const events = stored.events.sort((a, b) => (BigInt(a.ts_ns) < BigInt(b.ts_ns) ? -1 : 1));
    const outputs = events.map((e) => [e.outputs?.method, e.outputs?.is_stego, e.outputs?.bit_order]);
    assert.deepEqual(outputs, [['raw', true, 'none'], ['lsb.rgb', true, 'msb-first'], ['alpha', true, 'lsb-first'], [null, true, 'none'], ['raw', true, 'none']]);
    assert.deepEqual(events[4].label, { category: 'stego', method: 'raw' });

    const metrics = await (await fetch(`${agent.url}/metrics`)).text();
    assert.match(metrics, /^starwatch_agent_upstream_extraction_overrides_total 1$/m);
    assert.match(metrics, /^starwatch_agent_upstream_unknown_methods_total 1$/m);
    assert.ok(logs.some((l) => l.includes('"dct"')), `the unknown name is logged: ${logs.join(' | ')}`);
  });
});
