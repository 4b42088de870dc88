// The library API in someone else's service: watch.scan, an instrumented onnxruntime session,
// and record(); each emits its events (source "library") to the real stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { useServices, waitFor } from '../harness/services.ts';
import { createAgent } from '../../agent/library.ts';
import { STREAM_SHAPES } from '../../v4/contract.ts';
import { DEFAULT_MODEL_PATH } from '../../v4/path.ts';
import { silentLogger } from '../../log/logger.ts';
import { makeImages, readStoredEvents } from './agent-stream.ts';
import { assertAll } from '../harness/assert-all.ts';

const services = useServices({ nats: true });

test('scan, a wrapped session and record() all emit events', async () => {
  const watch = await createAgent({ nats: services.nats.url, agentId: 'lib', batchMs: 10, heartbeatMs: 0, logger: silentLogger });
  try {
    const [image] = await makeImages(1);
    const result = await watch.scan(image);
    assert.ok(result.verdict.stegoProb >= 0 && result.verdict.stegoProb <= 1);
    await assert.rejects(watch.scan(new Uint8Array([1, 2, 3])), (e: { code?: string }) => e.code === 'UNSUPPORTED_FORMAT');

    const session = await ort.InferenceSession.create(DEFAULT_MODEL_PATH);
    const model = { id: 'their-model', version: 'v9', sha256: 'a'.repeat(64) };
    const wrapped = watch.wrapSession(session, { model });
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      const shape = [2, ...STREAM_SHAPES[name as keyof typeof STREAM_SHAPES]];
      feeds[name] = new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
    }
    const out = await wrapped.run(feeds);
    assert.ok(out.stego_logits, 'the wrapped session returns what the session returns');
    assert.deepEqual(wrapped.inputNames, session.inputNames);

    const recorded = watch.record({
      verdict: { stegoProb: 0.9, isStego: true, method: 'alpha', methodProb: 0.8, bitOrder: 'lsb-first' },
      timings: { totalMs: 3 },
      label: { category: 'stego', method: 'alpha' },
    });

    const stored = await waitFor(async () => {
      const s = await readStoredEvents(services.nats.url);
      return s.events.length >= 5 ? s : null;
    });
    assert.equal(stored.events.length, 5, 'scan, failed scan, 2 images of the run, record');
    assertAll(stored.events, (e) => e.source === 'library' && e.agent_id === 'lib', 'library events');
    assert.equal(stored.events.filter((e) => e.error_code === 'UNSUPPORTED_FORMAT').length, 1);
    const fromSession = stored.events.filter((e) => e.model.id === 'their-model');
    assert.equal(fromSession.length, 2);
    assertAll(fromSession, (e) => e.outputs !== null && e.timings.infer_ms > 0 && e.input.width === 256, 'session events');
    const rec = stored.events.find((e) => e.event_id === recorded.event_id);
    assert.equal(rec?.outputs?.stego_prob, 0.9);
    assert.equal(rec?.timings.total_ms, 3);
  } finally {
    await watch.close();
  }
});
