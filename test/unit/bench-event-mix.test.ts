// The pipeline bench's events: the mix of failures and positives decides how many events the raw
// policy must keep, so its shares must be what the bench prints.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchEvent, STRESS_MIX } from '../../bench/pipeline.ts';
import { mustKeepRaw } from '../../collector/sinks/raw-policy.ts';

const MODEL = { id: 'starlight-v4', version: 'v4.0.0', sha256: 'a'.repeat(64) };

function shares(mix = STRESS_MIX, n = 100_000) {
  let failed = 0;
  let stego = 0;
  let kept = 0;
  for (let id = 0; id < n; id++) {
    const e = benchEvent(id, 'bench-0', 0, MODEL, mix);
    if (e.error_code !== null) failed++;
    else if (e.outputs?.is_stego) stego++;
    if (mustKeepRaw(e)) kept++;
  }
  return { failed: failed / n, stego: stego / (n - failed), kept: kept / n };
}

test('the stress mix: every tenth event failed, a fifth of the rest flagged, 28% kept raw', () => {
  for (let id = 0; id < 1000; id++) assert.equal(benchEvent(id, 'a', 0, MODEL).error_code !== null, id % 10 === 9, `event ${id}`);
  const s = shares();
  assert.equal(s.failed, 0.1);
  assert.ok(Math.abs(s.stego - 0.2) < 0.005, `stego share ${s.stego}`);
  assert.ok(Math.abs(s.kept - 0.28) < 0.005, `kept ${s.kept}`);
});

test('a staging mix: the shares asked for, spread over the ids', () => {
  const s = shares({ errorShare: 0.01, stegoShare: 0.02 });
  assert.equal(s.failed, 0.01);
  assert.ok(Math.abs(s.stego - 0.02) < 0.002, `stego share ${s.stego}`);
  // Spread: every run of 100 ids holds exactly one failure.
  for (let start = 0; start < 10_000; start += 100) {
    let failed = 0;
    for (let id = start; id < start + 100; id++) if (benchEvent(id, 'a', 0, MODEL, { errorShare: 0.01, stegoShare: 0.02 }).error_code !== null) failed++;
    assert.equal(failed, 1, `ids ${start}..${start + 99}`);
  }
});
