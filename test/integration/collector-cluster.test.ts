// Replica mode on a real distributed setup (issue 18, item 8, the suite's smaller run): a 3-node
// JetStream cluster with 3-replica streams, 3 collector processes; under load the analysis
// leader is killed -9 and a nats-server node stopped. The merged windows must hold every event
// once, with the p95 one engine computes over the same events, a new leader within 10 s, and the
// latency incident injected in the middle told once firing and once resolved.
// The larger run with figures: `starwatch bench cluster --json`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runClusterScenario } from '../../bench/cluster-run.ts';
import { PATIENCE } from '../harness/services.ts';
import { assertAll } from '../harness/assert-all.ts';

// Every wait of the run ends within its budget (about 70 s is a run beside stress-ng), well inside
// the runner's 420 s a file: a stuck step then fails with its name and the collectors' logs.
test('3 collectors on a 3-node NATS cluster: leader killed, a node stopped, windows exact, one new leader', { timeout: 400_000 }, async () => {
  const r = await runClusterScenario({ events: 18_000, minutes: 3, messagesPerSecond: 20, patience: PATIENCE, budgetMs: 330_000 });
  const detail = JSON.stringify(r);
  assert.equal(r.minutes.length, 3, detail);
  assertAll(r.minutes, (m) => m.count === m.expected_count, `merged minute counts: ${detail}`);
  assertAll(r.minutes, (m) => m.p95_ms === m.expected_p95_ms, `merged p95: ${detail}`);
  assert.equal(r.merged_events, 18_000);
  assert.equal(r.lost, 0);
  assert.equal(r.duplicated, 0);
  assert.equal(r.one_second_windows_sum, 18_000, 'the 1 s windows are exact too');
  assert.notEqual(r.new_leader, r.leader_killed);
  assert.ok(r.new_leader_after_ms < 10_000, `new leader after ${r.new_leader_after_ms} ms`);
  assert.equal(r.late_partials, 0, 'no partial window came after its minute was merged');
  assert.equal(r.leaders_at_end, 1);
  // The latency incident in the middle: told once firing and once resolved, whichever replica
  // led when each was due (every replica judges the same merged windows; one claims each).
  assert.equal(r.incident.firing, 1, `one firing notification: ${detail}`);
  assert.equal(r.incident.resolved, 1, `one resolve: ${detail}`);
  assert.equal(r.notifications, 2, `nothing else told: ${detail}`);
});
