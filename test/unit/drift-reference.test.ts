// The drift reference is kept across restarts: a monitor that finished learning gives it back with
// its period, the point the stage writes holds both, and a new monitor started from what was read
// back judges the next window exactly as the old one would have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DriftMonitor } from '../../collector/drift/drift-monitor.ts';
import { loadDriftReferences, referencePoint, type QueryRunner } from '../../collector/drift/reference-store.ts';
import type { Logger } from '../../collector/log.ts';

const window = (ts: number, clean: number, stego: number) => ({ ts, facets: { stego_prob: { '0.0': clean, '0.9': stego }, format: { PNG: clean + stego } } });
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

test('a learned reference comes back with its period, and a monitor built from it judges the same', async () => {
  const options = { referenceWindows: 3, currentWindows: 1, minSamples: 10 };
  const first = new DriftMonitor(options);
  assert.equal(first.saved(), null);
  for (const ts of [10_000, 20_000, 30_000]) first.update(window(ts, 90, 10));
  const saved = first.saved();
  assert.ok(saved);
  assert.deepEqual(saved.period, { startMs: 10_000, endMs: 30_000 });

  const point = referencePoint('v4', '10s', saved);
  assert.equal(point.tags.facet, 'reference');
  assert.equal(point.timestampNs, '30000000000');
  // What InfluxDB gives back for that point (last() of each field, grouped by model_version).
  const run: QueryRunner = async (q) => {
    assert.match(q, /"facet" = 'reference' AND "granularity" = '10s' GROUP BY "model_version"/);
    return [
      { tags: { model_version: 'v4' }, columns: ['time', 'reference', 'start', 'end'], values: [[30_000, point.fields.reference, 10_000, 30_000]] },
      { tags: { model_version: 'broken' }, columns: ['time', 'reference', 'start', 'end'], values: [[30_000, '{not json', 10_000, 30_000]] },
    ];
  };
  const loaded = await loadDriftReferences(run, 'windows', '10s', quiet);
  assert.deepEqual([...loaded.keys()], ['v4'], 'an unreadable reference is skipped');
  const restarted = new DriftMonitor({ ...options, baseline: loaded.get('v4')!.counts, baselinePeriod: loaded.get('v4')!.period });
  assert.equal(restarted.ready, true, 'no re-learning after a restart');
  const shifted = window(40_000, 50, 50);
  assert.deepEqual(restarted.update(shifted), first.update(shifted));
  assert.deepEqual(restarted.update(shifted).facets.stego_prob?.reference, { startMs: 10_000, endMs: 30_000 });
});
