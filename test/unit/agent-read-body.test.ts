import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { readBody } from '../../agent/server/read-body.ts';

const LIMIT = 1000;

/** A request body of `bytes` sent in chunks of 100, with or without a Content-Length. */
function request(bytes: number, declare: boolean): IncomingMessage & PassThrough {
  const req = Object.assign(new PassThrough(), { headers: declare ? { 'content-length': String(bytes) } : {} });
  setImmediate(() => {
    for (let sent = 0; sent < bytes; sent += 100) req.write(Buffer.alloc(Math.min(100, bytes - sent), 1));
    req.end();
  });
  return req as unknown as IncomingMessage & PassThrough;
}

for (const declare of [true, false]) {
  const how = declare ? 'declared' : 'chunked';

  test(`readBody (${how}): exactly the limit is read whole`, async () => {
    const result = await readBody(request(LIMIT, declare), LIMIT);
    assert.ok(result.ok, 'a body of exactly the limit is accepted');
    assert.equal(result.body.length, LIMIT);
  });

  test(`readBody (${how}): one byte over the limit is refused`, async () => {
    const result = await readBody(request(LIMIT + 1, declare), LIMIT);
    assert.equal(result.ok, false);
    // Declared: refused on the header alone. Chunked: refused at the chunk that passed the limit.
    assert.equal(!result.ok && result.bytesSeen, LIMIT + 1);
  });
}

test('readBody: a chunked body far over the limit stops being read at the limit', async () => {
  const req = request(50 * LIMIT, false);
  const result = await readBody(req, LIMIT);
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.bytesSeen <= LIMIT + 100, `read ${!result.ok && result.bytesSeen} bytes of 50000`);
});

test('readBody: a client that goes away mid-body is "aborted", not a size refusal', async () => {
  const req = Object.assign(new PassThrough(), { headers: {} }) as unknown as IncomingMessage & PassThrough;
  setImmediate(() => {
    req.write(Buffer.alloc(10));
    req.destroy(new Error('socket hang up'));
  });
  const result = await readBody(req, LIMIT);
  assert.deepEqual(result, { ok: false, bytesSeen: 10, aborted: true });
});
