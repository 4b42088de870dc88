import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, StringCodec } from 'nats';
import { useServices } from '../harness/services.ts';

const services = useServices({ nats: true });

test('a real nats-server with JetStream stores a message and gives it back', async () => {
  const nc = await connect({ servers: services.nats.url });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: 'HARNESS', subjects: ['harness.>'] });
    const sc = StringCodec();
    const js = nc.jetstream();
    const ack = await js.publish('harness.one', sc.encode('hello'));
    assert.equal(ack.stream, 'HARNESS');
    const msg = await jsm.streams.getMessage('HARNESS', { seq: ack.seq });
    assert.equal(sc.decode(msg.data), 'hello');
  } finally {
    await nc.close();
  }
});

test('JetStream data survives a nats-server restart (file storage)', async () => {
  await services.nats.restart();
  const nc = await connect({ servers: services.nats.url });
  try {
    const info = await (await nc.jetstreamManager()).streams.info('HARNESS');
    assert.equal(info.state.messages, 1);
  } finally {
    await nc.close();
  }
});
