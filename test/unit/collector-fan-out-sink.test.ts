// FanOutSink: every write reaches every sink; acks (flush) and flow control (backlog) follow only
// the required ones, so an optional store that hangs never holds a message back.
import assert from 'node:assert/strict';
import test from 'node:test';
import { FanOutSink } from '../../collector/sinks/fan-out.ts';
import { emptyStats, type PointSink } from '../../collector/sinks/sink.ts';
import type { Point } from '../../collector/sinks/point.ts';

class FakeSink implements PointSink {
  readonly stats = emptyStats();
  written: string[] = [];
  backlog = 0;
  private release: (() => void) | undefined;
  flushes = 0;
  sentOpen = 0;
  constructor(readonly name: string, readonly required: boolean, private readonly hang = false) {}
  writeEvents(events: readonly unknown[]): void {
    this.written.push(`events:${events.length}`);
  }
  writeWindow(): void {
    this.written.push('window');
  }
  write(points: readonly Point[]): void {
    this.written.push(`points:${points.length}`);
  }
  flush(): Promise<void> {
    this.flushes++;
    return this.hang ? new Promise((r) => (this.release = r)) : Promise.resolve();
  }
  sendOpen(): void {
    this.sentOpen++;
  }
  close(): Promise<void> {
    this.release?.();
    return Promise.resolve();
  }
}

const point: Point = { measurement: 'alert', tags: {}, fields: { v: 1 }, timestampNs: '1' };

test('every write reaches every sink, required or not', () => {
  const a = new FakeSink('influxdb', true);
  const b = new FakeSink('prometheus', false);
  const fan = new FanOutSink([a, b]);
  fan.writeEvents([], []);
  fan.write([point, point]);
  assert.deepEqual(a.written, ['events:0', 'points:2']);
  assert.deepEqual(b.written, ['events:0', 'points:2']);
  assert.equal(fan.name, 'influxdb+prometheus');
  fan.sendOpen();
  assert.deepEqual([a.sentOpen, b.sentOpen], [1, 1], 'a drained stream sends every sink\'s open batch');
});

test('flush waits for required sinks only: a hanging optional sink does not hold it', async () => {
  const required = new FakeSink('influxdb', true);
  const optional = new FakeSink('prometheus', false, true);
  const fan = new FanOutSink([required, optional]);
  await fan.flush();
  assert.equal(required.flushes, 1);
  assert.equal(optional.flushes, 1, 'the optional sink is asked to flush too');
  await fan.close();
});

test('flush waits for every required sink', async () => {
  const quick = new FakeSink('a', true);
  const slow = new FakeSink('b', true, true);
  const fan = new FanOutSink([quick, slow]);
  let done = false;
  const flushed = fan.flush().then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'a required sink still flushing holds the flush');
  await slow.close();
  await flushed;
  assert.equal(done, true);
});

test('backlog and stats are the required sinks\' only', () => {
  const a = new FakeSink('influxdb', true);
  const b = new FakeSink('prometheus', false);
  a.backlog = 7;
  b.backlog = 1000;
  a.stats.pointsAccepted = 5;
  b.stats.pointsAccepted = 50;
  b.stats.writeErrors = 3;
  const fan = new FanOutSink([a, b]);
  assert.equal(fan.backlog, 7);
  assert.equal(fan.stats.pointsAccepted, 5);
  assert.equal(fan.stats.writeErrors, 0);
  assert.equal(fan.required, true);
});
