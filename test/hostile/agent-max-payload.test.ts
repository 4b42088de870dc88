// The server's max_payload counts a message's headers and data together. A batch whose data alone
// fitted went out with its Nats-Msg-Id header over the limit: refused (MAX_PAYLOAD_EXCEEDED) on
// every retry and never split, while the agent's queue filled behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { EventPublisher } from '../../agent/publish/publisher.ts';
import { encodeBatch } from '../../agent/publish/batch-encoding.ts';
import { EVENTS_STREAM } from '../../schemas/subjects.ts';
import { startNats } from '../../deploy/local/nats.ts';
import { waitFor } from '../../deploy/local/wait.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const MAX_PAYLOAD = 8192;

test('a batch whose data fits max_payload but not with its headers is split and sent, not retried for ever', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'starwatch-max-payload-'));
  const nats = await startNats(dir, undefined, { maxPayload: MAX_PAYLOAD });
  const now = Date.now();
  const events = (n: number) => Array.from({ length: n }, (_, i) => makeEvent({ id: `event-with-a-longer-id-${String(i).padStart(6, '0')}`, agent: 'agent-mp', tsMs: now, nsPart: i, totalMs: 1 + i / 997, prob: (i % 100) / 101 }));
  // The most events whose batch's data is within max_payload: with its headers, it is not.
  let n = 1;
  while (encodeBatch('agent-mp', 1, events(n + 1)).length <= MAX_PAYLOAD) n++;
  const size = encodeBatch('agent-mp', 1, events(n)).length;
  assert.ok(size > MAX_PAYLOAD - 100 && size <= MAX_PAYLOAD, `a batch of ${size} bytes`);
  const publisher = new EventPublisher({ agentId: 'agent-mp', nats: { servers: [nats.url] }, batchSize: n });
  const nc = await connect({ servers: nats.url });
  try {
    publisher.start();
    for (const e of events(n)) publisher.enqueue(e);
    await waitFor(() => publisher.snapshot().sent === n, { timeoutMs: 20_000, what: `${n} events sent` });
    // Retries are not counted against it: beside stress-ng one publish went unacknowledged once
    // (ci70). Refused for ever, the batch never reaches `sent`.
    assert.equal(publisher.snapshot().dropped, 0);
    const stored = (await (await nc.jetstreamManager()).streams.info(EVENTS_STREAM)).state.messages;
    assert.equal(stored, 2, 'the batch went as two halves');
  } finally {
    await publisher.close(0);
    await nc.close();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
