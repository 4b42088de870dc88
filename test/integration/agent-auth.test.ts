// NATS with a token: the agent connects with it (several servers listed, the first one dead),
// its events arrive, and the token appears in none of its log lines.
import { byLevel } from '../../log/logger.ts';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { connect } from 'nats';
import { freePort } from '../../deploy/local/ports.ts';
import { startProcess } from '../../deploy/local/process.ts';
import { tempDir, waitFor } from '../harness/services.ts';
import { EVENTS_STREAM } from '../../schemas/subjects.ts';
import { createAgent } from '../../agent/library.ts';
import type { Logger } from '../../log/logger.ts';

const dir = tempDir('starwatch-auth-');
const TOKEN = 's3cret-token-0451';

test('token auth with several servers; the token is never logged', async () => {
  const port = await freePort();
  const dead = await freePort();
  const server = startProcess('nats-auth', 'nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'js'), '--auth', TOKEN], dir);
  after(() => server.stop());
  const url = `nats://127.0.0.1:${port}`;
  await waitFor(async () => (await connect({ servers: url, token: TOKEN, reconnect: false })).close().then(() => true), { what: 'nats-server with auth' });

  const lines: string[] = [];
  const logger: Logger = byLevel((_, m) => lines.push(m));
  const watch = await createAgent({
    agentId: 'auth',
    nats: { servers: [`nats://127.0.0.1:${dead}`, `nats://user:pw-in-url@127.0.0.1:${dead}`, url], token: TOKEN },
    model: null,
    heartbeatMs: 0,
    batchMs: 10,
    logger,
  });
  try {
    watch.record({ verdict: { stegoProb: 0.1, isStego: false, method: null, methodProb: null, bitOrder: null } });
    await waitFor(() => watch.stats().sent === 1, { timeoutMs: 15_000, what: 'the event acknowledged' });
    const nc = await connect({ servers: url, token: TOKEN });
    const info = await (await nc.jetstreamManager()).streams.info(EVENTS_STREAM);
    await nc.close();
    assert.equal(info.state.messages, 1);
  } finally {
    await watch.close();
  }
  assert.ok(lines.length > 0, 'the agent logged its connection');
  for (const line of lines) {
    assert.doesNotMatch(line, new RegExp(TOKEN));
    assert.doesNotMatch(line, /pw-in-url/);
  }
});
