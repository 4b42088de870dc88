// Issue 19: /healthz must answer within 100 ms while the collector takes big hostile messages.
// One 1 MiB batch of 2,000 bad events was one uninterruptible stretch (JSON.parse, then the
// schema on every event): 50-200 ms on a loaded machine. Rows are now checked in slices, and
// messages over `nats.decodeOffloadBytes` are decoded in a worker thread (waiting for it while it
// boots, at most `nats.decodeWorkerBootMs`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROWS_PER_STEP, decodeMessage, decodeMessageSliced } from '../../collector/consume/decode.ts';
import { readFile, readdir } from 'node:fs/promises';
import { DecodeOffload } from '../../collector/consume/decode-offload.ts';
import { DECODE_WORKER_NICE } from '../../collector/consume/decode-worker-nice.ts';
import { MessageDecoder } from '../../collector/consume/message-decoder.ts';
import { TimeSlice } from '../../collector/consume/time-slice.ts';
import { makeEvent } from '../fixtures/collector-events.ts';
import { waitFor } from '../harness/services.ts';

const now = 1_700_000_000_000;
const limits = { maxFutureMs: 60_000, maxPayloadChars: 200 };
const origin = { subject: 'starwatch.v1.events.agent-a', stream_seq: 9 };
const batch = (events: unknown[]) => new TextEncoder().encode(JSON.stringify({ v: 1, agent_id: 'agent-a', seq: 1, events }));
/** 2,000 events, every third one bad: the attack's shape, with good events among them. */
const mixed = batch(Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? { ...makeEvent({ id: `e${i}`, tsMs: now }), source: 'nope' } : makeEvent({ id: `e${i}`, tsMs: now - i }))));

test('a big batch is checked in slices: pending I/O runs between them, and the result is the same', async () => {
  let ticks = 0;
  let ticking = true;
  const tick = () => {
    ticks++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  // A budget of 0: yield at every chance, ROWS_PER_STEP rows apart.
  const sliced = await decodeMessageSliced(mixed, origin, limits, now, new TimeSlice(0));
  ticking = false;
  assert.ok(ticks >= Math.floor(2000 / ROWS_PER_STEP) - 1, `only ${ticks} turns of the event loop while 2000 rows were checked`);
  assert.deepEqual(sliced, decodeMessage(mixed, origin, limits, now));
  assert.equal(sliced.events.length, 1333);
  assert.equal(sliced.dead[0].rejected?.bad_event, 667);
});

test('messages over decodeOffloadBytes are decoded in the worker thread, smaller ones on the event loop', async (t) => {
  const offload = new DecodeOffload();
  t.after(() => offload.close());
  const small = batch([makeEvent({ id: 's', tsMs: now })]);
  const decoder = new MessageDecoder(offload, small.length);
  const never = new TimeSlice(Number.POSITIVE_INFINITY);
  assert.deepEqual(await decoder.decode(small, origin, limits, now, never), decodeMessage(small, origin, limits, now));
  assert.equal(offload.ready, false, 'a message at the limit neither goes to the worker nor starts it');
  // The first big message starts the worker and waits for it to boot, off the event loop.
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  try {
    assert.deepEqual(await decoder.decode(mixed, origin, limits, now, never), decodeMessage(mixed, origin, limits, now));
  } finally {
    clearInterval(ticker);
  }
  assert.deepEqual([decoder.inWorker, decoder.workerMissed], [1, 0]);
  assert.ok(ticks > 0, 'the event loop ran while the worker booted');
  assert.deepEqual(await decoder.decode(mixed, origin, limits, now, never), decodeMessage(mixed, origin, limits, now));
  assert.deepEqual([decoder.inWorker, decoder.workerMissed], [2, 0]);
});

test('a big message waits for the booting worker at most bootWaitMs, then the event loop decodes it', async (t) => {
  // 1 ms: the worker (tsx and the schemas) cannot boot that fast, so the wait runs out.
  const offload = new DecodeOffload(1);
  t.after(() => offload.close());
  const decoder = new MessageDecoder(offload, 1024);
  const never = new TimeSlice(Number.POSITIVE_INFINITY);
  assert.deepEqual(await decoder.decode(mixed, origin, limits, now, never), decodeMessage(mixed, origin, limits, now));
  assert.deepEqual([decoder.inWorker, decoder.workerMissed], [0, 1]);
  // The worker boots on regardless, and takes the next big messages.
  await waitFor(() => offload.ready, { what: 'the decode worker started', timeoutMs: 60_000 });
  assert.deepEqual(await decoder.decode(mixed, origin, limits, now, never), decodeMessage(mixed, origin, limits, now));
  assert.deepEqual([decoder.inWorker, decoder.workerMissed], [1, 1]);
});

test('without a ready worker the event loop decodes a big message itself', async () => {
  const offload = new DecodeOffload();
  await offload.close();
  const decoder = new MessageDecoder(offload, 1024);
  const out = await decoder.decode(mixed, origin, limits, now, new TimeSlice(10));
  assert.deepEqual(out, decodeMessage(mixed, origin, limits, now));
  assert.deepEqual([decoder.inWorker, decoder.workerMissed], [0, 1]);
});

/** Nice values of this process's threads, from /proc (field 19 of stat). */
async function threadNices(): Promise<Map<number, number>> {
  const nices = new Map<number, number>();
  for (const tid of await readdir('/proc/self/task')) {
    const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8').catch(() => null);
    if (stat) nices.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return nices;
}

test('the decode worker runs at a lower OS priority than the event loop', async (t) => {
  const before = await threadNices();
  assert.ok(![...before.values()].includes(DECODE_WORKER_NICE), `no thread at nice ${DECODE_WORKER_NICE} yet: ${JSON.stringify([...before])}`);
  const offload = new DecodeOffload();
  t.after(() => offload.close());
  const decoder = new MessageDecoder(offload, 1024);
  await decoder.decode(mixed, origin, limits, now, new TimeSlice(10));
  assert.deepEqual([decoder.inWorker, decoder.workerMissed], [1, 0]);
  const niced = [...(await threadNices())].filter(([tid, nice]) => nice === DECODE_WORKER_NICE && !before.has(tid));
  assert.ok(niced.length >= 1, `a new thread at nice ${DECODE_WORKER_NICE}`);
});
