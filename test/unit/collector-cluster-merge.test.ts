// Replica mode's pure parts: partial windows of several replicas merged exactly (the same
// fields, percentiles included, as one engine over all events), the leader's decision rule,
// which redelivered events were counted already, and late events reopening windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowEngine } from '../../collector/windows/engine.ts';
import type { WindowResult } from '../../collector/windows/window-result.ts';
import { MinuteMerger, MERGED_REPLICA } from '../../collector/cluster/minute-merger.ts';
import { MergeDecider } from '../../collector/cluster/decider.ts';
import { CountedSeqs } from '../../collector/cluster/counted-seqs.ts';
import { PartialPublisher } from '../../collector/cluster/partial-publisher.ts';
import { ClusterMessageError, decodeClusterMessage, deltaDecode, deltaEncode, toRanges, type ClusterMessage, type PartialMessage } from '../../collector/cluster/messages.ts';
import { windowsOfMessage } from '../../collector/cluster/message-windows.ts';
import { SeqRanges } from '../../collector/cluster/seq-ranges.ts';
import { encodeState } from '../../collector/windows/state.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const T0 = 1_700_000_040_000; // a minute boundary
const engine = (replica: string, reopenLate = false) => new WindowEngine({ allowedLatenessMs: 0, idleGraceMs: 1e9, replica, reopenLate });
const keyOf = (r: WindowResult) => `${r.granularity} ${r.start} ${r.agent} ${r.model_version}`;

/** 1800 events over 3 minutes, 3 agents, varied latency; event i goes to replica i % n. */
function events() {
  return Array.from({ length: 1800 }, (_, i) => {
    const tsMs = T0 + i * 100;
    return { tsMs, event: makeEvent({ id: `e${i}`, tsMs, agent: `agent-${i % 3}`, totalMs: 1 + ((i * 7919) % 997) / 3, prob: (i % 11) / 10 }) };
  });
}

function partialsOf(results: WindowResult[], replica: string): PartialMessage[] {
  const leaves = results.filter((r) => r.agent !== '*' && r.model_version !== '*');
  const byMinute = new Map<number, PartialMessage>();
  for (const r of leaves) {
    const minute = Math.floor(r.start / 60_000) * 60_000;
    const p = byMinute.get(minute) ?? { kind: 'partial' as const, replica, incarnation: 'i', minute, windows: [] };
    p.windows.push({ g: r.granularity, start: r.start, agent: r.agent, model_version: r.model_version, state: encodeState(r.acc) });
    byMinute.set(minute, p);
  }
  return [...byMinute.values()];
}

test('three replicas\' partial windows merge into exactly the windows of one engine over all events', () => {
  const all = events();
  const single = engine('0');
  for (const { event, tsMs } of all) single.add(event, tsMs, 0);
  const end = T0 + 4 * 60_000;
  single.add(makeEvent({ id: 'end', tsMs: end }), end, 0);
  const expected = single.advance(0);

  const merger = new MinuteMerger();
  for (let n = 0; n < 3; n++) {
    const e = engine(`r${n}`);
    all.forEach(({ event, tsMs }, i) => i % 3 === n && e.add(event, tsMs, 0));
    e.add(makeEvent({ id: `end${n}`, tsMs: end }), end, 0);
    // a window per replica of the closing minute, which the decision below leaves out
    for (const p of partialsOf(e.advance(0), `r${n}`)) merger.addPartial(p);
    merger.commit(`r${n}`, 'i');
  }
  const merged = merger.decide({ kind: 'merge', leader: 'r0', through: T0 + 2 * 60_000, replicas: ['r0', 'r1', 'r2'] });
  assert.equal(merged.length, expected.length);
  const byKey = new Map(merged.map((r) => [keyOf(r), r]));
  for (const want of expected) {
    const got = byKey.get(keyOf(want));
    assert.ok(got, `merged ${keyOf(want)}`);
    assert.deepEqual(got.fields, want.fields, keyOf(want));
    assert.equal(got.replica, MERGED_REPLICA);
  }
  const minute = merged.filter((r) => r.granularity === '1m' && r.agent === '*' && r.model_version === '*');
  assert.deepEqual(minute.map((r) => r.fields.count), [600, 600, 600]);
  // the same order as the engine: 1 s windows before 10 s before 1 min within a minute
  assert.deepEqual(merged.slice(0, 1).map((r) => r.granularity), ['1s']);
  assert.equal(merger.mergedThrough, T0 + 2 * 60_000);
});

test('every committed partial counts, also of a replica the decision no longer names; partials after their minute are counted as late', () => {
  const merger = new MinuteMerger();
  const w = (replica: string, minute: number): PartialMessage => ({ kind: 'partial', replica, incarnation: 'i', minute, windows: [{ g: '1m', start: minute, agent: 'a', model_version: 'v', state: encodeState(oneEvent(minute)) }] });
  merger.addPartial(w('a', T0));
  merger.addPartial(w('b', T0));
  merger.addPartial({ ...w('a', T0), incarnation: 'died-before-its-mark' });
  merger.commit('a', 'i');
  merger.commit('b', 'i');
  assert.equal(merger.uncommitted(), 1);
  // b's mark followed its windows: they are complete, and messages b acked come back to no one
  const merged = merger.decide({ kind: 'merge', leader: 'a', through: T0, replicas: ['a'] });
  assert.equal(merged.find((r) => r.agent === '*' && r.model_version === '*')?.fields.count, 2);
  assert.equal(merger.droppedPartials, 0);
  merger.addPartial(w('c', T0));
  merger.commit('c', 'i');
  assert.equal(merger.latePartials, 1);
  assert.deepEqual(merger.decide({ kind: 'merge', leader: 'b', through: T0, replicas: ['a'] }), [], 'a decision again is a no-op');
});

test('a message counted by two replicas (redelivered while the first still held it) is merged once', () => {
  const merger = new MinuteMerger();
  const window = (tsMs: number, n: number) => ({ g: '1m' as const, start: T0, agent: 'a', model_version: 'v', state: encodeState(eventsAcc(tsMs, n)) });
  // a counted messages 7 and 8 (first deliveries, 3 + 2 events) in its own windows
  merger.addPartial({ kind: 'partial', replica: 'a', incarnation: 'i', minute: T0, windows: [window(T0, 5)], seqs: toRanges([7, 8]) });
  // b was handed 8 again (a stalled past the ack wait) and 9 (a died holding it), and counted them apart
  merger.addPartial({ kind: 'partial', replica: 'b', incarnation: 'j', minute: T0, windows: [window(T0, 2)], seq: 8 });
  merger.addPartial({ kind: 'partial', replica: 'b', incarnation: 'j', minute: T0, windows: [window(T0, 4)], seq: 9 });
  // c too was handed 9 (a second redelivery): the first committed copy counts, c's is left out
  merger.addPartial({ kind: 'partial', replica: 'c', incarnation: 'k', minute: T0, windows: [window(T0, 4)], seq: 9 });
  merger.commit('a', 'i');
  merger.commit('b', 'j');
  merger.commit('c', 'k');
  const merged = merger.decide({ kind: 'merge', leader: 'a', through: T0, replicas: ['a', 'b', 'c'] });
  assert.equal(merged.find((r) => r.agent === '*' && r.model_version === '*')?.fields.count, 5 + 4);
  assert.equal(merger.duplicateMessages, 1, 'message 8: b\'s copy left out at the merge');
  assert.equal(merger.duplicatePartials, 2, 'windows of copies left out: c\'s of 9, b\'s of 8');
  // a copy that comes after the merge of a message the minute had is a duplicate, not news
  merger.addPartial({ kind: 'partial', replica: 'c', incarnation: 'k', minute: T0, windows: [window(T0, 3)], seq: 7 });
  merger.addPartial({ kind: 'partial', replica: 'c', incarnation: 'k', minute: T0, windows: [window(T0, 1)], seq: 99 });
  merger.commit('c', 'k');
  assert.equal(merger.duplicatePartials, 3);
  assert.equal(merger.latePartials, 1, 'message 99 was in no merged window: late');
  assert.deepEqual(toRanges([3, 4, 5, 9, 11, 12]), [3, 3, 9, 1, 11, 2]);
});

test('a redelivered message\'s own windows are the windows an engine computes of its events', () => {
  const events = Array.from({ length: 40 }, (_, i) => ({ tsMs: T0 + 55_000 + i * 250, event: makeEvent({ id: `m${i}`, tsMs: T0 + 55_000 + i * 250, agent: `a${i % 2}`, totalMs: 1 + i }) }));
  const e = engine('x', true);
  for (const { event, tsMs } of events) e.add(event, tsMs, 0);
  e.add(makeEvent({ id: 'end', tsMs: T0 + 300_000, agent: 'z' }), T0 + 300_000, 0);
  const want = e.advance(0).filter((r) => r.agent !== '*' && r.model_version !== '*' && r.agent !== 'z');
  const { windows, lastMinute } = windowsOfMessage(events);
  const leaves = windows.filter((r) => r.agent !== '*' && r.model_version !== '*');
  assert.equal(lastMinute, T0 + 60_000, 'its events reach into the next minute');
  assert.deepEqual(leaves.map((r) => [keyOf(r), r.fields]), want.map((r) => [keyOf(r), r.fields]));
});

function eventsAcc(tsMs: number, n: number) {
  const e = engine('x');
  for (let i = 0; i < n; i++) e.add(makeEvent({ id: `x${i}`, tsMs: tsMs + i }), tsMs + i, 0);
  e.add(makeEvent({ id: 'y', tsMs: tsMs + 120_000 }), tsMs + 120_000, 0);
  return e.advance(0).find((r) => r.granularity === '1m' && r.agent !== '*' && r.model_version !== '*')!.acc;
}

function oneEvent(tsMs: number) {
  const e = engine('x');
  e.add(makeEvent({ id: 'x', tsMs }), tsMs, 0);
  e.add(makeEvent({ id: 'y', tsMs: tsMs + 120_000 }), tsMs + 120_000, 0);
  return e.advance(0).find((r) => r.granularity === '1m' && r.agent !== '*' && r.model_version !== '*')!.acc;
}

test('the leader merges up to the lowest through of the live replicas, and drops a silent one', () => {
  const d = new MergeDecider(30_000);
  d.observe({ kind: 'mark', replica: 'a', incarnation: '1', through: T0 + 60_000 }, 1000);
  d.observe({ kind: 'mark', replica: 'b', incarnation: '1', through: T0 }, 1000);
  assert.deepEqual(d.decide(2000, -1, 'a'), { kind: 'merge', leader: 'a', through: T0, replicas: ['a', 'b'] });
  assert.equal(d.decide(2000, T0, 'a'), null, 'nothing past what is merged');
  d.observe({ kind: 'mark', replica: 'a', incarnation: '1', through: T0 + 120_000 }, 25_000);
  assert.equal(d.decide(31_000, T0, 'a'), null, 'b is silent for exactly 30 s: still live');
  assert.deepEqual(d.decide(31_001, T0, 'a'), { kind: 'merge', leader: 'a', through: T0 + 120_000, replicas: ['a'] });
  // a restarted replica (new incarnation) reports from scratch: it holds the merge back again
  d.observe({ kind: 'mark', replica: 'a', incarnation: '2', through: -1 }, 32_000);
  assert.equal(d.decide(33_000, T0, 'a'), null);
});

test('an idle replica holds no merge back; when all are idle, all they closed is merged', () => {
  const d = new MergeDecider(30_000);
  d.observe({ kind: 'mark', replica: 'a', incarnation: '1', through: T0 + 60_000 }, 1000);
  d.observe({ kind: 'mark', replica: 'b', incarnation: '1', through: -1, idle: true }, 1000);
  assert.equal(d.decide(2000, -1, 'a')?.through, T0 + 60_000);
  d.observe({ kind: 'mark', replica: 'b', incarnation: '1', through: T0, idle: false }, 1500);
  assert.equal(d.decide(2000, -1, 'a')?.through, T0, 'busy again: b holds the merge back');
  d.observe({ kind: 'mark', replica: 'a', incarnation: '1', through: T0 + 60_000, idle: true }, 1600);
  d.observe({ kind: 'mark', replica: 'b', incarnation: '1', through: T0, idle: true }, 1600);
  assert.equal(d.decide(2000, -1, 'a')?.through, T0 + 60_000);
});

test('a redelivered message\'s counted minutes are known until they age out', () => {
  const c = new CountedSeqs(60_000);
  c.record([5, 9], T0, 1000);
  c.record([9], T0 + 60_000, 2000);
  assert.equal(c.throughOf(5), T0);
  assert.equal(c.throughOf(9), T0 + 60_000);
  assert.equal(c.throughOf(6), undefined);
  c.record([11], T0, 61_500);
  assert.equal(c.throughOf(5), undefined, 'older than 60 s is forgotten');
  assert.equal(c.throughOf(9), T0 + 60_000);
  assert.deepEqual(deltaDecode(deltaEncode([3, 4, 10, 1000])), [3, 4, 10, 1000]);
});

test('in replica mode a late event reopens its windows, closed again as a correction at the next advance', () => {
  for (const reopenLate of [false, true]) {
    const e = engine('r', reopenLate);
    e.add(makeEvent({ id: 'a', tsMs: T0 + 500 }), T0 + 500, 0);
    e.add(makeEvent({ id: 'b', tsMs: T0 + 65_000 }), T0 + 65_000, 0);
    e.advance(0);
    assert.equal(e.closedMinutesThrough(), T0);
    e.add(makeEvent({ id: 'late', tsMs: T0 + 30_500 }), T0 + 30_500, 0);
    const again = e.advance(0).filter((r) => r.agent === '*' && r.model_version === '*');
    if (!reopenLate) {
      assert.deepEqual(again, []);
      assert.equal(e.lateEvents, 1);
      continue;
    }
    assert.deepEqual(again.map((r) => [r.granularity, r.start - T0, r.fields.count]), [['1s', 30_000, 1], ['10s', 30_000, 1], ['1m', 0, 1]]);
    assert.equal(e.lateEvents, 1);
  }
});

test('in replica mode an event whose 1 s window closed reopens it instead of counting only in its 10 s window', () => {
  const e = engine('r', true);
  e.add(makeEvent({ id: 'a', tsMs: T0 + 500 }), T0 + 500, 0);
  e.add(makeEvent({ id: 'b', tsMs: T0 + 2500 }), T0 + 2500, 0);
  e.advance(0); // closes the 1 s windows of seconds 0 and 1
  e.add(makeEvent({ id: 'c', tsMs: T0 + 700 }), T0 + 700, 0);
  e.add(makeEvent({ id: 'end', tsMs: T0 + 120_000 }), T0 + 120_000, 0);
  const all = e.advance(0).filter((r) => r.agent === '*' && r.model_version === '*');
  const second0 = all.filter((r) => r.granularity === '1s' && r.start === T0).map((r) => r.fields.count);
  assert.deepEqual(second0, [1], 'the reopened second 0 is published again with c alone (merged, 1 + 1 = 2)');
  assert.deepEqual(all.filter((r) => r.granularity === '1m').map((r) => r.fields.count), [3]);
  assert.equal(e.lateEvents, 0);
});

test('a replica publishes a minute only once it has closed, then a mark with its held messages; acks wait for it', async () => {
  const stored: ClusterMessage[] = [];
  let closed = Number.NEGATIVE_INFINITY;
  const p = new PartialPublisher({
    replica: 'r', incarnation: 'i', heartbeatMs: 1000, windowsPerMessage: 2,
    store: async (_s, data) => void stored.push(JSON.parse(new TextDecoder().decode(data))),
    closedThrough: () => closed,
    held: () => [30, 10, 20],
    idle: () => false,
    onError: () => assert.fail('no error expected'),
  });
  const e = engine('r');
  for (let s = 0; s < 3; s++) e.add(makeEvent({ id: `${s}`, tsMs: T0 + s * 1000, agent: `a${s}` }), T0 + s * 1000, 0);
  e.add(makeEvent({ id: 'next', tsMs: T0 + 61_000 }), T0 + 61_000, 0);
  for (const r of e.advance(0)) p.onWindow(r);
  const acked = p.nextPublished();
  closed = Number.NEGATIVE_INFINITY; // nothing closed yet as far as the publisher is told
  p.afterAdvance(0);
  await acked;
  assert.deepEqual(stored.map((m) => m.kind), ['mark'], 'a waiter gets a mark, but no window of an open minute');
  closed = e.closedMinutesThrough();
  p.afterAdvance(10);
  await p.stop();
  const partials = stored.filter((m): m is PartialMessage => m.kind === 'partial');
  // 3 leaves x (1 s + 10 s + 1 min) = 9 windows, 2 per message; rollups are not sent
  assert.equal(partials.flatMap((m) => m.windows).length, 9);
  assert.equal(partials.length, 5);
  const mark = stored.at(-1)!;
  assert.equal(mark.kind, 'mark');
  assert.equal(mark.kind === 'mark' && mark.through, T0);
  assert.deepEqual(mark.kind === 'mark' && deltaDecode(mark.held!), [10, 20, 30]);
});

test('a replica publishes with each minute the sequences it counted, and a redelivered message\'s windows apart under its sequence', async () => {
  const stored: ClusterMessage[] = [];
  const p = new PartialPublisher({
    replica: 'r', incarnation: 'i', heartbeatMs: 1000, windowsPerMessage: 100,
    store: async (_s, data) => void stored.push(JSON.parse(new TextDecoder().decode(data))),
    closedThrough: () => T0,
    held: () => [],
    idle: () => false,
    onError: () => assert.fail('no error expected'),
  });
  const e = engine('r');
  e.add(makeEvent({ id: 'own', tsMs: T0 + 1000 }), T0 + 1000, 0);
  e.add(makeEvent({ id: 'next', tsMs: T0 + 61_000 }), T0 + 61_000, 0);
  for (const r of e.advance(0)) p.onWindow(r);
  for (const seq of [12, 11, 13, 20]) p.countedIn(T0, seq);
  p.countedIn(T0 + 60_000, 21); // its minute has not closed: not published yet
  const apart = [T0 + 2000, T0 + 3000].map((tsMs, i) => ({ tsMs, event: makeEvent({ id: `again${i}`, tsMs }) }));
  p.addRedelivered(30, windowsOfMessage(apart).windows);
  p.afterAdvance(0);
  await p.stop();
  const partials = stored.filter((m): m is PartialMessage => m.kind === 'partial');
  assert.deepEqual(partials.map((m) => [m.minute, m.seqs, m.seq]), [[T0, [11, 3, 20, 1], undefined], [T0, undefined, 30]]);
  const merger = new MinuteMerger();
  for (const m of stored) if (m.kind === 'partial') merger.addPartial(m);
  merger.commit('r', 'i');
  const minute = merger.decide({ kind: 'merge', leader: 'r', through: T0, replicas: ['r'] }).find((r) => r.granularity === '1m' && r.agent === '*' && r.model_version === '*');
  assert.equal(minute?.fields.count, 3);
});

test('events counted apart still move the replica\'s watermark, so a replica given only redeliveries closes their minute', () => {
  const e = engine('r', true);
  assert.equal(e.closedMinutesThrough(), Number.NEGATIVE_INFINITY);
  e.seen(T0 + 30_000, 0);
  e.advance(0);
  assert.equal(e.closedMinutesThrough(), T0 - 60_000, 'its minute is still open');
  e.seen(T0 + 61_000, 0);
  e.advance(0);
  assert.equal(e.closedMinutesThrough(), T0);
  assert.equal(e.openCount(), 0, 'nothing was counted in its windows');
});

test('sequence runs: membership without expanding them, overlapping runs joined; bad runs are refused', () => {
  const r = new SeqRanges();
  r.addRanges([100, 1_000_000_000, 5, 3]);
  r.addRanges([7, 4, 2_000_000_000, 1]);
  assert.deepEqual([4, 5, 10, 11, 99, 100, 1_000_000_099, 1_000_000_100, 2_000_000_000].map((n) => r.has(n)), [false, true, true, false, false, true, true, false, true]);
  const partial = (extra: object) => new TextEncoder().encode(JSON.stringify({ kind: 'partial', replica: 'a', incarnation: 'i', minute: T0, windows: [], ...extra }));
  assert.throws(() => decodeClusterMessage(partial({ seqs: [1, 2, 3] })), ClusterMessageError);
  assert.throws(() => decodeClusterMessage(partial({ seqs: [1, -2] })), ClusterMessageError);
  assert.throws(() => decodeClusterMessage(partial({ seqs: 'x' })), ClusterMessageError);
  assert.throws(() => decodeClusterMessage(partial({ seq: 1.5 })), ClusterMessageError);
  assert.equal(decodeClusterMessage(partial({ seqs: [1, 2] })).kind, 'partial');
});
