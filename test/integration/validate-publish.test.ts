// starwatch validate --publish against a real nats-server: one labelled InferenceEvent per
// labelled file reaches the events stream, and the summary points arrive on their subject.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'nats';
import { runValidate } from '../../cli/commands/validate.ts';
import { VALIDATION_SUBJECT } from '../../schemas/subjects.ts';
import type { ValidationPoint } from '../../validate/summary-points.ts';
import type { ValidationReport } from '../../validate/validation.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { makeDataset } from '../unit/validate-fixture.ts';
import { readStoredEvents } from './agent-stream.ts';
import { assertAll } from '../harness/assert-all.ts';

const RANDOM = fileURLToPath(new URL('../../models/v4-random.onnx', import.meta.url));
const services = useServices({ nats: true });
const dir = tempDir('starwatch-validate-publish-');

test('--publish delivers one labelled event per labelled file, and the summary points', async () => {
  const dataset = join(dir, 'data');
  await makeDataset(dataset, 6, 5); // 6 generated + corrupt (labelled) + 3 unlabelled or badly labelled
  const nc = await connect({ servers: services.nats.url });
  const points: ValidationPoint[] = [];
  const sub = nc.subscribe(VALIDATION_SUBJECT, { callback: (_e, m) => points.push(JSON.parse(m.string()) as ValidationPoint) });
  await nc.flush();
  const out: string[] = [];
  const err: string[] = [];
  const code = await runValidate(
    { model: RANDOM, dataset, json: true, ablate: true, publish: services.nats.url, agentId: 'validate-test' },
    { out: (t) => out.push(t), err: (t) => err.push(t) },
    false,
  );
  assert.equal(code, 0, err.join('\n'));
  const report = JSON.parse(out.join('\n')) as ValidationReport & { published: { eventsSent: number; complete: boolean } };
  assert.equal(report.published.complete, true);
  assert.equal(report.published.eventsSent, 7);

  const { events } = await readStoredEvents(services.nats.url);
  assert.equal(events.length, 7, 'the 6 generated files and the labelled corrupt one');
  assertAll(events, (e) => e.source === 'validate' && e.agent_id === 'validate-test' && e.label !== undefined, 'labelled validate events');
  assert.equal(events.filter((e) => e.label!.category === 'stego').length, report.metrics.detection.n);
  const failed = events.filter((e) => e.outputs === null);
  assert.deepEqual(failed.map((e) => e.error_code), ['CORRUPT_IMAGE']);
  assertAll(events, (e) => e.model.sha256 === report.model.sha256, 'events name the model');

  await waitFor(() => points.length >= 9, { timeoutMs: 5000, what: 'the run point and 8 ablation points' });
  sub.unsubscribe();
  await nc.close();
  const run = points.find((p) => p.tags.kind === 'run')!;
  assert.equal(run.measurement, 'validation');
  assert.equal(run.fields.images, 10);
  assert.equal(run.fields.fpr, report.metrics.fpr.rate);
  assert.equal(points.filter((p) => p.tags.kind === 'ablation').length, 8);
});
