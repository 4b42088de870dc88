// Training logs of each format parsed into the expected series, and the findings a person watching
// the run wants: divergence, plateau, overfitting, instability. Fixtures in test/fixtures/training,
// one of them in the shape models/train.py prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findings, seriesOf } from '../../training/findings.ts';
import { detectFormat, parseLog, TextLogParser, type TrainingPoint } from '../../training/parse.ts';

const fixture = (name: string): TrainingPoint[] => parseLog(readFileSync(`test/fixtures/training/${name}`, 'utf8'), name);
const values = (points: TrainingPoint[], metric: string): (number | null)[] =>
  seriesOf(points).get(metric)?.map((p) => (Number.isFinite(p.value) ? p.value : null)) ?? [];
const kinds = (points: TrainingPoint[]): string[] => findings(points).map((f) => `${f.kind}:${f.metric}`);

test('text log: Epoch lines, validation lines, key=value, percentages; prose is no metric', () => {
  const points = fixture('text-log.txt');
  assert.deepEqual(values(points, 'loss'), [0.6931, 0.5123, 0.4012, 0.3301, 0.2711, 0.22]);
  assert.deepEqual(values(points, 'val_acc'), [0.5, 0.715, 0.802, 0.81, 0.807, 0.799]);
  assert.deepEqual(seriesOf(points).get('lr'), [{ step: 4, value: 0.003 }]);
  assert.deepEqual([...seriesOf(points).keys()].sort(), ['loss', 'lr', 'val_acc', 'val_loss']);
  assert.deepEqual(kinds(points), ['overfitting:val_loss']);
});

test("models/train.py's output: epoch summaries only, progress lines skipped, NaN kept and flagged", () => {
  const points = fixture('train-py.out.txt');
  assert.deepEqual(values(points, 'loss'), [0.6931, 0.55, null]);
  assert.deepEqual(values(points, 'train_accuracy'), [0.5012, 0.71, 0.5]);
  assert.deepEqual(kinds(points), ['diverged:loss']);
});

test('Keras JSON history: one series per key, a plateau flagged', () => {
  const points = fixture('keras-history.json');
  assert.equal(detectFormat('{"loss": []}'), 'json');
  assert.equal(values(points, 'train_loss').length, 10);
  assert.deepEqual(values(points, 'val_acc').slice(0, 3), [0.5, 0.7, 0.8]);
  assert.deepEqual(kinds(points), ['plateau:train_loss', 'plateau:val_loss']);
  // {"history": {...}} and a list of per-epoch rows read the same way.
  assert.deepEqual(parseLog('{"history": {"loss": [1, 0.5]}}'), [{ step: 1, metric: 'loss', value: 1 }, { step: 2, metric: 'loss', value: 0.5 }]);
  assert.deepEqual(parseLog('[{"epoch": 3, "loss": 0.4, "note": "x"}]'), [{ step: 3, metric: 'loss', value: 0.4 }]);
});

test('CSV metric log: the step column is the step; a jumpy loss is unstable', () => {
  const points = fixture('metrics.csv');
  assert.equal(detectFormat(readFileSync('test/fixtures/training/metrics.csv', 'utf8')), 'csv');
  assert.deepEqual(seriesOf(points).get('accuracy')?.map((p) => p.step), [100, 200, 300, 400, 500, 600, 700]);
  assert.deepEqual(kinds(points), ['unstable:loss']);
});

test('a loss rising steps in a row is diverging; a falling one is not', () => {
  const run = (losses: number[]) => losses.map((value, i) => ({ step: i + 1, metric: 'loss', value }));
  assert.deepEqual(kinds(run([1, 0.8, 0.9, 1.0, 1.2])), ['diverging:loss']);
  assert.deepEqual(kinds(run([1, 0.8, 0.6, 0.45, 0.3])), []);
});

test('a followed text log parsed in pieces gives what the whole gives', () => {
  const text = readFileSync('test/fixtures/training/text-log.txt', 'utf8');
  const parser = new TextLogParser();
  const pieces = [text.slice(0, 50), text.slice(50, 51), text.slice(51, 200), text.slice(200)].flatMap((p) => parser.feed(p)).concat(parser.end());
  assert.deepEqual(pieces, parseLog(text, 'text-log.txt'));
});
