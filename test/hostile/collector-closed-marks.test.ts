// Issue 19 item 10: closed-window marks that survive a crash on every sink, kept in a NATS KV
// bucket (collector/windows/closed-marks.ts) instead of read back from InfluxDB 1.x only. Only
// influxd 1.x exists on this machine, so the crash/restart runs on the 1.x path (which also reads
// windows back); the marks are what a 2.x/3.x/Cloud sink restores from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exited, startRestartRig } from '../../bench/hostile/collector-child.ts';
import { ClosedMarksError, openKvClosedMarks, parseMarks } from '../../collector/windows/closed-marks.ts';
import { publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, minuteCounts, minuteTotal, natsConnect, rawCounts, spreadEvents } from '../integration/collector-setup.ts';

const services = useServices({ nats: true, influx: true });
const dir = tempDir();

test('marks round-trip through the KV bucket per replica; a value that is not v1 marks is refused', async () => {
  const nc = await natsConnect(services.nats.url);
  try {
    const a = await openKvClosedMarks(nc, 'marks_unit', 'a');
    const b = await openKvClosedMarks(nc, 'marks_unit', 'b');
    assert.deepEqual(await a.load(), {});
    await a.save({ '1s': 1_800_000_001_000, '1m': 1_800_000_000_000 });
    assert.deepEqual(await a.load(), { '1s': 1_800_000_001_000, '1m': 1_800_000_000_000 });
    assert.deepEqual(await b.load(), {}, 'another replica has its own marks');
    assert.throws(() => parseMarks({ v: 2, marks: {} }), ClosedMarksError);
    assert.throws(() => parseMarks({ v: 1, marks: { '1m': 'yesterday' } }), ClosedMarksError);
  } finally {
    await nc.close();
  }
});

test('kill -9 after windows were written: the new collector restores the marks from the KV bucket, windows stay exact', async () => {
  const db = 'closed_marks';
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
  const events = spreadEvents(6000, base).map((e) => ({ ...e, event_id: `m-${e.event_id}` }));
  const config = collectorConfig(services.nats.url, services.influx.url, db, { durable: 'closed-marks', ackWaitMs: 3000 });
  const rig = await startRestartRig(config, dir);
  try {
    await publishBatches(rig.nc.jetstream(), toBatches(events, 100));
    await waitFor(async () => (await minuteTotal(services.influx.url, db)) === events.length, { timeoutMs: 60_000, what: 'the first collector to write every minute' })
      .catch(async (e: Error) => rig.explain(new Error(`${e.message}; minutes written (time count late): ${await minuteCounts(services.influx.url, db)}; ${await windowMetrics(rig.first.output())}`)));
    const store = await openKvClosedMarks(rig.nc, config.nats.closedWindowsBucket, config.replica);
    const stored = await waitFor(async () => {
      const marks = await store.load();
      return (marks['1m'] ?? 0) >= base + 120_000 ? marks : undefined;
    }, { timeoutMs: 30_000, what: 'the minute marks stored' }).catch(rig.explain);
    rig.first.child.kill('SIGKILL');
    await exited(rig.first.child);

    const second = rig.startAgain();
    const restored = await waitFor(() => /^.*"event":"windows_restored".*"source":"kv".*$/m.exec(second.output())?.[0], { timeoutMs: 60_000, what: 'marks restored from KV' }).catch(rig.explain);
    const line = JSON.parse(restored) as { marks: Record<string, string> };
    assert.ok(Date.parse(line.marks['1m']) >= stored['1m']!, `${restored} vs stored ${JSON.stringify(stored)}`);
    // Nothing recomputed over the complete windows: still every event once.
    await waitFor(async () => (await rawCounts(services.influx.url, db)).total === events.length, { what: 'raw points' }).catch(rig.explain);
    assert.equal(await minuteTotal(services.influx.url, db), events.length);
  } finally {
    await rig.close();
  }
});

/** The collector's window and event counters, read from its /metrics (its address is in its log). */
async function windowMetrics(output: string): Promise<string> {
  const url = /"event":"collector_started".*?"http":"([^"]+)"/.exec(output)?.[1];
  if (!url) return 'no /metrics address in its log';
  const text = await fetch(`${url}/metrics`).then((r) => r.text(), (e: Error) => e.message);
  return text.split('\n').filter((l) => /^starwatch_collector_(windows_|events_total|late|acked_total|pending_acks|redelivered)/.test(l)).join('; ');
}
