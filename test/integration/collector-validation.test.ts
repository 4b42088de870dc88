// `starwatch validate --publish` on a tiny generated dataset, with the collector running on real
// nats-server and influxd: the collector writes the run's `validation` points to InfluxDB (queried
// back here); summaries that are not valid are counted and dead-lettered, and the collector goes on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from 'nats';
import { runValidate } from '../../cli/commands/validate.ts';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import { VALIDATION_SUBJECT } from '../../schemas/subjects.ts';
import type { ValidationReport } from '../../validate/validation.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { makeDataset } from '../unit/validate-fixture.ts';
import { collectorConfig, influxQL, natsConnect, quietLog, rows } from './collector-setup.ts';
import { assertAll } from '../harness/assert-all.ts';

const RANDOM = fileURLToPath(new URL('../../models/v4-random.onnx', import.meta.url));
const services = useServices({ nats: true, influx: true });
const dir = tempDir('starwatch-collector-validation-');
const DB = 'validation_test';

describe('validation summaries through the collector', () => {
  let collector: CollectorHandle;
  let nc: NatsConnection;
  const config = () => collectorConfig(services.nats.url, services.influx.url, DB, { durable: 'validation-test' });
  let deadLetterStream = '';

  before(async () => {
    const c = config();
    deadLetterStream = c.nats.deadLetterStream;
    collector = await startCollector(c, quietLog);
    nc = await natsConnect(services.nats.url);
  });

  after(async () => {
    await collector?.stop();
    await nc?.drain();
  });

  test('bad summaries are counted and dead-lettered, and the collector stays up', async () => {
    const point = { measurement: 'validation', tags: { model_version: 'v4', dataset: 'd', kind: 'run', stream: 'none' }, ts_ns: '1700000000000000000' };
    nc.publish(VALIDATION_SUBJECT, '{not json');
    nc.publish(VALIDATION_SUBJECT, JSON.stringify({ ...point, fields: { run_id: 'x', images: -3 } }));
    nc.publish(VALIDATION_SUBJECT, JSON.stringify({ ...point, fields: { run_id: 'x', favourite_colour: 'blue' } }));
    await nc.flush();
    const jsm = await nc.jetstreamManager();
    await waitFor(async () => (await jsm.streams.info(deadLetterStream)).state.messages >= 3, { what: 'three dead letters' });
    const letters = await Promise.all([1, 2, 3].map(async (seq) => JSON.parse((await jsm.streams.getMessage(deadLetterStream, { seq })).string())));
    assert.deepEqual(letters.map((l) => l.code).sort(), ['bad_validation', 'bad_validation', 'not_json']);
    assertAll(letters, (l) => l.origin.subject === VALIDATION_SUBJECT && l.origin.stream_seq === undefined, 'dead letters from the validation subject');
    assert.ok(letters.some((l) => /images/.test(l.reason)), JSON.stringify(letters.map((l) => l.reason)));
    const metrics = await (await fetch(`${collector.httpUrl}/metrics`)).text();
    assert.match(metrics, /starwatch_collector_validation_points_total\{outcome="invalid"\} 3/);
    assert.match(metrics, /starwatch_collector_dead_letters_total\{code="bad_validation"\} 2/);
  });

  test('validate --publish on a tiny dataset: the collector writes the run point and the ablation points', async () => {
    const dataset = join(dir, 'data');
    await makeDataset(dataset, 4, 7);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runValidate(
      { model: RANDOM, dataset, json: true, ablate: true, publish: services.nats.url, agentId: 'validate-collector' },
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      false,
    );
    assert.equal(code, 0, err.join('\n'));
    const report = JSON.parse(out.join('\n')) as ValidationReport & { published: { runId: string; summaryPoints: number; complete: boolean } };
    assert.equal(report.published.complete, true);

    const written = await waitFor(
      async () => {
        const r = rows(await influxQL(services.influx.url, DB, `SELECT * FROM "validation" WHERE "run_id" = '${report.published.runId}'`));
        return r.length === report.published.summaryPoints && r;
      },
      { timeoutMs: 15_000, what: 'the validation points in InfluxDB' },
    );
    const run = written.filter((r) => r.kind === 'run');
    assert.equal(run.length, 1);
    assert.equal(run[0].model_version, report.model.version);
    assert.equal(run[0].dataset, 'data');
    assert.equal(run[0].stream, 'none');
    assert.equal(run[0].images, report.metrics.files);
    assert.equal(run[0].evaluated, report.metrics.evaluated);
    assert.equal(run[0].model_sha256, report.model.sha256);
    assert.equal(run[0].accuracy, report.metrics.accuracy.rate);
    const ablation = written.filter((r) => r.kind === 'ablation');
    assert.equal(ablation.length, report.ablation!.length);
    assert.deepEqual(ablation.map((r) => r.stream).sort(), report.ablation!.map((a) => a.stream).sort());

    // Integers are stored as integers (the contract's types, not the sender's say).
    const [types] = await influxQL(services.influx.url, DB, 'SHOW FIELD KEYS FROM "validation"');
    const typeOf = Object.fromEntries(types.values as [string, string][]);
    assert.deepEqual([typeOf.images, typeOf.rank, typeOf.accuracy, typeOf.run_id], ['integer', 'integer', 'float', 'string']);
  });
});
