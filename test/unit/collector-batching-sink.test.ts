import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchingSink, DRAINED_SEND_SPACING_MS, type Transport } from '../../collector/sinks/batching-sink.ts';
import { InfluxSink } from '../../collector/sinks/influx-sink.ts';
import { WriteError } from '../../collector/sinks/sink.ts';
import type { Point } from '../../collector/sinks/point.ts';
import { waitFor } from '../../deploy/local/wait.ts';

const point = (i: number, measurement = 'inference'): Point => ({ measurement, tags: { a: 'x' }, fields: { v: i }, timestampNs: String(i) });

/** Records bodies per target; fails while `down` is set. */
function recorder() {
  const sent: { target: string; lines: string[] }[] = [];
  const state = { down: false as boolean, reject: false as boolean };
  const transport: Transport = {
    async send(target, body) {
      if (state.reject) throw new WriteError('rejected', 'bad', false);
      if (state.down) throw new WriteError('unreachable', 'down', true);
      sent.push({ target, lines: Buffer.concat(body).toString().slice(0, -1).split('\n') });
    },
  };
  return { sent, state, transport };
}

const options = { batchSize: 3, maxInFlight: 2, flushIntervalMs: 60_000, maxBackoffMs: 20 };

test('batches by size and retention target; flush sends the partial ones', async (t) => {
  const r = recorder();
  const sink = new BatchingSink(r.transport, options);
  t.after(() => sink.close());
  sink.write([1, 2, 3, 4].map((i) => point(i)));
  sink.write([point(5, 'window')]);
  await sink.flush();
  assert.deepEqual(r.sent.map((b) => [b.target, b.lines.length]).sort(), [['raw', 1], ['raw', 3], ['windows', 1]]);
  assert.equal(sink.backlog, 0);
  assert.equal(sink.stats.pointsAccepted, 5);
});

test('a drained stream sends the open batches at once, and no more often than the spacing', async (t) => {
  const r = recorder();
  const sink = new BatchingSink(r.transport, { ...options, batchSize: 1000 });
  t.after(() => sink.close());
  // A collector that keeps up: drained after every message, here 100 in a row.
  for (let i = 0; i < 100; i++) {
    sink.write([point(i)]);
    sink.sendOpen();
  }
  assert.equal(r.sent.length, 1, 'the first drain sends at once');
  await waitFor(() => r.sent.flatMap((b) => b.lines).length === 100, { timeoutMs: 10_000, what: 'every line' });
  assert.equal(r.sent.length, 2, `${r.sent.length} requests for 100 drained messages within ${DRAINED_SEND_SPACING_MS} ms`);
  assert.equal(sink.backlog, 0);
});

test('a down server: flush waits, retries go on, nothing is dropped', async () => {
  const r = recorder();
  const sink = new BatchingSink(r.transport, options);
  try {
    r.state.down = true;
    sink.write([1, 2, 3, 4, 5].map((i) => point(i)));
    let flushed = false;
    const flushing = sink.flush().then(() => (flushed = true));
    // Two failed attempts prove it retries; the flush must still be waiting after them.
    await waitFor(() => sink.stats.writeErrors >= 2, { timeoutMs: 10_000, what: 'two failed write attempts' });
    assert.equal(flushed, false, 'flush resolved while the server was down');
    assert.equal(sink.backlog, 5);
    assert.equal(r.sent.length, 0);
    r.state.down = false;
    await flushing;
    assert.deepEqual(r.sent.flatMap((b) => b.lines).map((l) => l.split(' ').pop()).sort(), ['1', '2', '3', '4', '5']);
    assert.equal(sink.backlog, 0);
  } finally {
    r.state.down = false;
    await sink.close();
  }
});

test('refused points are counted, not retried forever', async (t) => {
  const r = recorder();
  const sink = new BatchingSink(r.transport, options);
  t.after(() => sink.close());
  r.state.reject = true;
  sink.write([point(1), point(2)]);
  await sink.flush();
  assert.equal(sink.stats.pointsRejected, 2);
  assert.match(sink.stats.lastError ?? '', /rejected/);
});

test('writeLines: preformatted lines travel together, are counted per line and report their origins', async (t) => {
  const r = recorder();
  const origins: number[] = [];
  const sink = new BatchingSink(r.transport, { ...options, onAccepted: (o) => origins.push(...o) });
  t.after(() => sink.close());
  sink.write([point(1)]);
  sink.writeLines('raw', ['a 1', 'b 2', 'c 3'], [10, 20, 30]);
  assert.equal(sink.backlog, 4);
  sink.writeLines('raw', ['d 4'], [40]);
  await sink.flush();
  assert.deepEqual(r.sent.map((b) => b.lines), [['inference,a=x v=1 1', 'a 1', 'b 2', 'c 3'], ['d 4']]);
  assert.deepEqual(origins, [10, 20, 30, 40]);
  assert.equal(sink.stats.pointsAccepted, 5);
  assert.equal(sink.backlog, 0);
});

/** A transport whose sends wait until released, recording the order they start in. */
function gated() {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const transport: Transport = {
    send(target, body) {
      // Each batch holds one point; its timestamp names it.
      const ts = Buffer.concat(body).toString().trim().split(' ').pop()!;
      started.push(ts);
      return new Promise<void>((resolve) => release.set(ts, resolve));
    },
  };
  return { started, release, transport };
}

test('window points written again go out after their first write, never beside it; raw points go beside', async () => {
  const g = gated();
  // Through InfluxSink, which orders the windows target (late events and labels rewrite windows).
  const sink = new InfluxSink(g.transport, { ...options, batchSize: 1, maxInFlight: 4 });
  try {
    sink.write([point(1, 'window')]);
    sink.write([point(2, 'window')]);
    sink.write([point(3)]);
    await waitFor(() => g.started.length === 2, { timeoutMs: 5000, what: 'the first sends' });
    assert.deepEqual(g.started, ['1', '3'], 'the second window batch waits for the first; the raw one does not');
    g.release.get('3')!();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(g.started, ['1', '3'], 'still waiting for the first window batch');
    g.release.get('1')!();
    await waitFor(() => g.started.length === 3, { timeoutMs: 5000, what: 'the second window batch' });
    assert.equal(g.started[2], '2');
    g.release.get('2')!();
    await sink.flush();
    assert.equal(sink.stats.pointsAccepted, 3);
  } finally {
    for (const r of g.release.values()) r();
    await sink.close();
  }
});
