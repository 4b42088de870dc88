// Issue 19 item 4 (and 7's agent check) against a real nats-server and influxd: hostile messages
// each give one dead letter with a message id, are terminated, and never come back, not even
// after a clean stop straight after they arrived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NatsConnection } from 'nats';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import { createLogger } from '../../collector/log.ts';
import { toColumns } from '../../schemas/event-columns.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { makeEvent } from '../fixtures/collector-events.ts';
import { collectorConfig, natsConnect, prepareStreams } from '../integration/collector-setup.ts';

const services = useServices({ nats: true, influx: true });
const encode = (text: string) => new TextEncoder().encode(text);

/** Letters in the dead-letter stream, with the Nats-Msg-Id each was stored under. */
async function letters(nc: NatsConnection, stream: string): Promise<{ code: string; events?: number; msgId?: string; origin: { stream_seq?: number } }[]> {
  const jsm = await nc.jetstreamManager();
  const { state } = await jsm.streams.info(stream);
  const out = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    out.push({ ...JSON.parse(m.string()), msgId: m.header?.get('Nats-Msg-Id') });
  }
  return out;
}

const metric = async (c: CollectorHandle, name: string): Promise<number> => {
  const text = await (await fetch(`${c.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
  return line ? Number(line.split(' ').pop()) : 0;
};

test('hostile messages: one letter each (with a message id), terminated, not redelivered; logs bounded', async () => {
  const config = collectorConfig(services.nats.url, services.influx.url, 'poison_test', { durable: 'poison' });
  config.nats.deadLetterStream = 'DL_POISON';
  const logLines: string[] = [];
  const nc = await natsConnect(services.nats.url);
  let collector: CollectorHandle | undefined;
  try {
    await prepareStreams(nc, config);
    const js = nc.jetstream();
    const now = Date.now();
    // 100,000 zeros (about 200 KB), 200,000 levels of nesting, a batch naming another agent,
    // and a batch of 500 bad events.
    await js.publish('starwatch.v1.events.agent-z', encode(`{"v":1,"agent_id":"agent-z","seq":1,"events":[${Array(100_000).fill('0').join(',')}]}`));
    await js.publish('starwatch.v1.events.agent-z', encode(`{"v":1,"agent_id":"agent-z","seq":2,"events":[${'['.repeat(200_000)}${']'.repeat(200_000)}]}`));
    await js.publish('starwatch.v1.events.agent-z', encode(JSON.stringify(toColumns('agent-y', 3, [makeEvent({ id: 'y', agent: 'agent-y', tsMs: now })]))));
    const bad = Array.from({ length: 500 }, (_, i) => ({ ...makeEvent({ id: `b${i}`, agent: 'agent-z', tsMs: now, nsPart: i }), source: 'nope' }));
    await js.publish('starwatch.v1.events.agent-z', encode(JSON.stringify({ v: 1, agent_id: 'agent-z', seq: 4, events: bad })));

    collector = await startCollector(config, createLogger('warn', (line) => logLines.push(line)));
    const c = collector;
    await waitFor(async () => (await metric(c, 'starwatch_collector_messages_terminated_total')) === 4, { timeoutMs: 30_000, what: 'four messages terminated' });
    const stored = await letters(nc, config.nats.deadLetterStream);
    assert.deepEqual(stored.map((l) => l.code), ['bad_batch', 'bad_batch', 'agent_mismatch', 'bad_event']);
    assert.equal(stored[3].events, 500);
    assert.deepEqual(stored.map((l) => l.msgId), stored.map((l) => `dl:starwatch.v1.events.agent-z:${l.origin.stream_seq}`));
    const consumer = await (await nc.jetstreamManager()).consumers.info(config.nats.stream, config.nats.durable);
    assert.deepEqual([consumer.num_ack_pending, consumer.num_pending, consumer.num_redelivered], [0, 0, 0]);
    assert.equal(consumer.config.max_deliver, 10);
    assert.equal(logLines.filter((l) => l.includes('"dead_letter"')).length, 4, 'one warning a message');
  } finally {
    await collector?.stop();
    await nc.close();
  }
});

test('a clean stop right after a poison message arrived does not hand it back', async () => {
  const config = collectorConfig(services.nats.url, services.influx.url, 'poison_stop', { durable: 'poison-stop' });
  config.nats.deadLetterStream = 'DL_POISON';
  const nc = await natsConnect(services.nats.url);
  let collector: CollectorHandle | undefined;
  let again: CollectorHandle | undefined;
  try {
    await prepareStreams(nc, config);
    const jsm = await nc.jetstreamManager();
    await jsm.streams.purge(config.nats.deadLetterStream);
    collector = await startCollector(config, createLogger('error'));
    const c = collector;
    await nc.jetstream().publish('starwatch.v1.events.agent-z', encode(`{"v":1,"agent_id":"agent-z","seq":1,"events":[${Array(100_000).fill('0').join(',')}]}`));
    await waitFor(async () => (await metric(c, 'starwatch_collector_dead_letters_total')) >= 1, { timeoutMs: 30_000, what: 'the letter counted' });
    await collector.stop();
    const consumer = await jsm.consumers.info(config.nats.stream, config.nats.durable);
    assert.deepEqual([consumer.num_ack_pending, consumer.num_pending], [0, 0], 'terminated, not handed back');
    again = await startCollector(config, createLogger('error'));
    const a = again;
    // The new collector is pulling (a pull request waits on the consumer) and was given nothing.
    await waitFor(async () => (await jsm.consumers.info(config.nats.stream, config.nats.durable)).num_waiting > 0, { what: 'a waiting pull' });
    assert.equal(await metric(a, 'starwatch_collector_messages_total'), 0);
    assert.equal((await letters(nc, config.nats.deadLetterStream)).length, 1);
  } finally {
    await collector?.stop();
    await again?.stop();
    await nc.close();
  }
});

test('a flood of bad messages: warnings rate-limited, the rest summed in a summary line', async () => {
  const config = collectorConfig(services.nats.url, services.influx.url, 'poison_flood', { durable: 'poison-flood' });
  config.nats.deadLetterStream = 'DL_POISON';
  const logLines: string[] = [];
  const nc = await natsConnect(services.nats.url);
  let collector: CollectorHandle | undefined;
  try {
    await prepareStreams(nc, config);
    await (await nc.jetstreamManager()).streams.purge(config.nats.stream); // the earlier tests' messages
    const js = nc.jetstream();
    await Promise.all(Array.from({ length: 300 }, (_, i) => js.publish('starwatch.v1.events.agent-z', encode(`not json ${i}`))));
    const started = Date.now();
    collector = await startCollector(config, createLogger('warn', (line) => logLines.push(line)));
    const c = collector;
    await waitFor(async () => (await metric(c, 'starwatch_collector_messages_terminated_total')) === 300, { timeoutMs: 60_000, what: '300 terminated' });
    await collector.stop();
    const seconds = (Date.now() - started) / 1000;
    const records = logLines.map((l) => JSON.parse(l));
    const warned = records.filter((r) => r.event === 'dead_letter').length;
    const summed = records.filter((r) => r.event === 'dead_letter_suppressed').reduce((n, r) => n + r.by_code.not_json, 0);
    assert.ok(warned <= 20 + 5 * seconds + 1, `${warned} warnings in ${seconds} s`);
    assert.equal(warned + summed, 300, 'every letter either warned or summed');
  } finally {
    await collector?.stop();
    await nc.close();
  }
});
