import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDetect } from '../../cli/commands/detect.ts';
import { detectorForKind } from '../../collector/detect/factory.ts';
import { parseSeriesCsv } from '../../collector/detect/series-csv.ts';
import { noiseSeries } from './detect-synthetic.ts';

function csvOf(values: number[]): string {
  return ['timestamp,value', ...values.map((v, i) => `${1_700_000_000_000 + i * 60_000},${v}`)].join('\n');
}

test('detect CLI: writes timestamp,value,anomaly_score,is_anomaly and flags the injected spike', () => {
  const values = noiseSeries(200, 3, 0.1, 4);
  values[120] = 9;
  const run = runDetect(csvOf(values), 'robust-z', false);
  const lines = run.output.trim().split('\n');
  assert.equal(lines[0], 'timestamp,value,anomaly_score,is_anomaly');
  assert.equal(lines.length, 201);
  assert.equal(lines[121].split(',')[3], 'true');
  assert.equal(run.flagged, 1);
});

test('detect CLI: gives the same verdicts as the live factory for the same kind', () => {
  const values = noiseSeries(300, 0.01, 0.002, 5);
  for (let i = 200; i < 300; i++) values[i] += 0.004;
  const live = detectorForKind('error_rate');
  const expected = values.map((v, i) => live.update(1_700_000_000_000 + i * 60_000, v).isAnomaly);
  const json = JSON.parse(runDetect(csvOf(values), 'error_rate', true).output) as { is_anomaly: boolean }[];
  assert.deepEqual(json.map((r) => r.is_anomaly), expected);
  assert.ok(expected.some(Boolean), 'the shift is flagged');
});

test('detect CLI: bad rows are reported with line and code, good rows are kept', () => {
  const { points, bad } = parseSeriesCsv('timestamp,value\n1000,1\nnope,2\n2000,x\n900,3\n2025-01-01T00:00:00Z,4\n3,5');
  assert.equal(points.length, 2);
  assert.deepEqual(bad.map((b) => [b.line, b.code]), [[3, 'bad_timestamp'], [4, 'bad_value'], [5, 'out_of_order'], [7, 'out_of_order']]);
  assert.equal(points[1].ts, Date.UTC(2025, 0, 1));
});

test('detect CLI: one output row per input row, in order: shared timestamps kept, unreadable rows scored 0 in place', () => {
  const csv = 'timestamp,value\n1000,1\n1000,2\nnope,3\n2000,4\n1500,5\n3000,6\n';
  const lines = runDetect(csv, 'adaptive', false).output.trim().split('\n').slice(1);
  assert.deepEqual(lines.map((l) => l.split(',').slice(0, 2).join(',')), ['1000,1', '1000,2', 'nope,', '2000,4', '1500,', '3000,6']);
  assert.deepEqual(lines.map((l) => l.split(',')[2]), ['0', '0', '0', '0', '0', '0']);
  const json = JSON.parse(runDetect(csv, 'adaptive', true).output) as { timestamp: string; value: number | null }[];
  assert.deepEqual(json.map((r) => [r.timestamp, r.value]), [['1000', 1], ['1000', 2], ['nope', null], ['2000', 4], ['1500', null], ['3000', 6]]);
});
