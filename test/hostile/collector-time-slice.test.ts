// Issue 19: a fetched batch of big bad messages must not hold the event loop (and so /healthz)
// for the whole batch: the consume loop yields after `nats.yieldAfterMs` of handing over messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AckPolicy } from 'nats';
import { startPullLoop } from '../../collector/consume/pull-loop.ts';
import { TimeSlice } from '../../collector/consume/time-slice.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { natsConnect } from '../integration/collector-setup.ts';

const services = useServices({ nats: true });

test('a time slice is due once its budget is spent, and starts anew after next()', async () => {
  const slice = new TimeSlice(30);
  assert.equal(slice.due, false);
  const start = performance.now();
  while (performance.now() - start < 35);
  assert.equal(slice.due, true);
  await slice.next();
  assert.equal(slice.due, false);
});

test('the pull loop lets pending I/O run between messages once its slice is spent', async () => {
  const nc = await natsConnect(services.nats.url);
  const jsm = await nc.jetstreamManager();
  const order: string[] = [];
  let loop: ReturnType<typeof startPullLoop> | undefined;
  try {
    await jsm.streams.add({ name: 'SLICE', subjects: ['slice.>'] });
    await jsm.consumers.add('SLICE', { durable_name: 'slice', ack_policy: AckPolicy.Explicit });
    const js = nc.jetstream();
    // All 8 are in the stream before the first pull, so they come in one fetched batch.
    for (let i = 0; i < 8; i++) await js.publish('slice.x', new Uint8Array([i]));
    loop = startPullLoop({
      js,
      stream: 'SLICE',
      durable: 'slice',
      fetchBatch: 8,
      yieldAfterMs: 0, // yield after every message: the limit hit on each one
      room: () => (order.filter((o) => o === 'msg').length >= 8 ? 0 : 8),
      onMessage: (msg) => {
        order.push('msg');
        msg.ack();
        // Stands for an HTTP request (/healthz) that arrived while this message was handled.
        setImmediate(() => order.push('io'));
      },
      afterBatch: () => undefined,
      onDrained: () => undefined,
      onPause: () => undefined,
      onError: () => undefined,
      recover: async () => undefined,
    });
    await waitFor(() => order.filter((o) => o === 'io').length === 8, { what: 'every message handled' });
    assert.deepEqual(order, Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 'msg' : 'io')));
  } finally {
    await loop?.stop();
    await nc.close();
  }
});
