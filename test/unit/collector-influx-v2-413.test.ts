// The InfluxDB 2.x write path on a 413 (issue 19 item 5): the v2 transport says `too_large`, and
// the batching sink splits the batch until every line is written, as on 1.x. No influxd 2.x exists
// on this machine, so the peer is a local HTTP server that answers /api/v2/write like one with a
// body limit (413 above it, 204 below): a fake of an HTTP peer, not of InfluxDB's storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchingSink } from '../../collector/sinks/batching-sink.ts';
import { InfluxV2Transport } from '../../collector/sinks/influx-v2.ts';
import { WriteError } from '../../collector/sinks/sink.ts';

const MAX_BODY = 1000;

/** /api/v2/write refusing bodies over MAX_BODY bytes with 413; the lines it took, by bucket. */
async function writeServer(): Promise<{ server: Server; url: string; lines: Map<string, string[]>; requests: () => number }> {
  const lines = new Map<string, string[]>();
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/api/v2/write' || req.headers.authorization !== 'Token t0ken') {
        res.writeHead(404).end();
        return;
      }
      if (body.length > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'application/json' }).end('{"code":"request too large","message":"body exceeds limit"}');
        return;
      }
      const bucket = url.searchParams.get('bucket') ?? '';
      lines.set(bucket, [...(lines.get(bucket) ?? []), ...body.toString('utf8').split('\n').filter(Boolean)]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines, requests: () => requests };
}

const transportOf = (url: string) => new InfluxV2Transport({ url, token: 't0ken', org: 'o', buckets: { raw: 'raw-b', windows: 'win-b' }, timeoutMs: 5000 });
const line = (i: number) => `inference,agent=a event_id="e-${String(i).padStart(4, '0')}" ${1_800_000_000_000_000_000 + i}`;

test('the v2 transport turns a 413 into a too_large WriteError the sink may split', async () => {
  const peer = await writeServer();
  try {
    const transport = transportOf(peer.url);
    await transport.send('raw', [Buffer.from(`${line(1)}\n`)]);
    assert.deepEqual(peer.lines.get('raw-b'), [line(1)]);
    const big = Buffer.from(Array.from({ length: 40 }, (_, i) => `${line(i)}\n`).join(''));
    assert.ok(big.length > MAX_BODY);
    await assert.rejects(transport.send('raw', [big]), (e: unknown) => e instanceof WriteError && e.code === 'too_large' && !e.retryable);
  } finally {
    peer.server.close();
  }
});

test('a batch over the peer body limit is split on 413 until every line is written, once', async () => {
  const peer = await writeServer();
  // No maxBodyBytes: the peer's limit is found only by its 413s.
  const sink = new BatchingSink(transportOf(peer.url), { batchSize: 200, maxInFlight: 2, flushIntervalMs: 50, maxBackoffMs: 100 });
  try {
    const wanted = Array.from({ length: 200 }, (_, i) => line(i));
    sink.writeLines('raw', wanted);
    await sink.flush();
    assert.deepEqual([...(peer.lines.get('raw-b') ?? [])].sort(), wanted);
    assert.equal(sink.stats.pointsAccepted, 200);
    assert.equal(sink.stats.pointsRejected, 0);
    assert.ok(sink.stats.batchesSplit >= 4, `${sink.stats.batchesSplit} splits`);
  } finally {
    await sink.close(100);
    peer.server.close();
  }
});
