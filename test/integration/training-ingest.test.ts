// starwatch training ingest against a real influxd: a finished log's series and findings land as
// points tagged with run and model version; a log that a running job still writes is followed
// (lines appended after the start arrive) until the command is stopped.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { influxQL } from './collector-setup.ts';

const services = useServices({ influx: true });
const DB = 'training_test';
const dir = tempDir();

function starwatch(args: string[]) {
  const child = spawn(process.execPath, ['bin/starwatch.js', 'training', 'ingest', ...args, '--influx-url', services.influx.url, '--database', DB]);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, out: () => out, err: () => err };
}

describe('training ingest', () => {
  const children: ReturnType<typeof starwatch>['child'][] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  test('a finished log: its series and findings, tagged with run and model version', async () => {
    await fetch(`${services.influx.url}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE ${DB}` }) });
    const run = starwatch(['test/fixtures/training/train-py.out.txt', '--run', 'r1', '--model-version', 'v4-ref-2', '--started', '2026-11-01T00:00:00Z', '--json']);
    children.push(run.child);
    assert.equal(await run.exited, 0, run.err());
    assert.equal(JSON.parse(run.out())[0].findings[0].kind, 'diverged');
    const [loss] = await influxQL(services.influx.url, DB, `SELECT "value", "step" FROM "training" WHERE "run" = 'r1' AND "metric" = 'loss' AND "model_version" = 'v4-ref-2'`);
    assert.deepEqual(loss.values.map((v: any[]) => [v[0], v[1], v[2]]), [['2026-11-01T00:00:01Z', 0.6931, 1], ['2026-11-01T00:00:02Z', 0.55, 2], ['2026-11-01T00:00:03Z', null, 3]]);
    const [nan] = await influxQL(services.influx.url, DB, `SELECT "nonfinite" FROM "training" WHERE "run" = 'r1' AND "metric" = 'loss'`);
    assert.deepEqual(nan.values.map((v: any[]) => v[1]), [true]);
    const [found] = await influxQL(services.influx.url, DB, `SELECT "message" FROM "training_finding" WHERE "run" = 'r1' AND "kind" = 'diverged'`);
    assert.match(found.values[0][1], /loss is NaN at step 3/);
  });

  test('--follow writes what a running job appends, and stops on SIGTERM', async () => {
    const log = join(dir, 'running.log');
    writeFileSync(log, 'Epoch 1/3, Loss: 0.9\n');
    const run = starwatch([log, '--follow', '--run', 'live']);
    children.push(run.child);
    const steps = async () => (await influxQL(services.influx.url, DB, `SELECT "value" FROM "training" WHERE "run" = 'live' AND "metric" = 'loss'`))[0]?.values.length ?? 0;
    await waitFor(async () => (await steps()) === 1, { timeoutMs: 30_000, what: 'the first epoch' });
    appendFileSync(log, 'Epoch 2/3, Loss: 0.7\nVal Loss: 0.75\n');
    await waitFor(async () => (await steps()) === 2, { timeoutMs: 30_000, what: 'the appended epoch' });
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0, run.err());
  });
});
