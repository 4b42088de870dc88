import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, StringCodec, type NatsConnection } from 'nats';
import { useServices } from '../harness/services.ts';

const services = useServices({ nats: true });
const sc = StringCodec();

/** A stream of its own per test, so no test depends on another having run first. */
async function storeOne(nc: NatsConnection, name: string): Promise<number> {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name, subjects: [`${name.toLowerCase()}.>`] });
  const ack = await nc.jetstream().publish(`${name.toLowerCase()}.one`, sc.encode('hello'));
  assert.equal(ack.stream, name);
  return ack.seq;
}

test('a real nats-server with JetStream stores a message and gives it back', async () => {
  const nc = await connect({ servers: services.nats.url });
  try {
    const seq = await storeOne(nc, 'HARNESS_STORE');
    const msg = await (await nc.jetstreamManager()).streams.getMessage('HARNESS_STORE', { seq });
    assert.equal(sc.decode(msg.data), 'hello');
  } finally {
    await nc.close();
  }
});

test('JetStream data survives a nats-server restart (file storage)', async () => {
  const before = await connect({ servers: services.nats.url });
  let seq: number;
  try {
    seq = await storeOne(before, 'HARNESS_RESTART');
  } finally {
    await before.close();
  }
  await services.nats.restart();
  const nc = await connect({ servers: services.nats.url });
  try {
    const jsm = await nc.jetstreamManager();
    assert.equal((await jsm.streams.info('HARNESS_RESTART')).state.messages, 1);
    assert.equal(sc.decode((await jsm.streams.getMessage('HARNESS_RESTART', { seq })).data), 'hello');
  } finally {
    await nc.close();
  }
});
