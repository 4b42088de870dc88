// The API's query cache: identical requests within the TTL share one computation, errors are not
// remembered, and a cached answer's JSON text is made once (jsonOf), while any other body is
// serialised afresh each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonOf, QueryCache } from '../../collector/api/query-cache.ts';

test('identical requests within the TTL share one computation; a failed one is not remembered', async () => {
  const cache = new QueryCache(60_000);
  let runs = 0;
  const compute = async () => ({ run: ++runs });
  const [a, b] = await Promise.all([cache.get('q', compute), cache.get('q', compute)]);
  assert.equal(runs, 1);
  assert.equal(a, b);
  await assert.rejects(cache.get('bad', async () => Promise.reject(new Error('influx down'))));
  await Promise.resolve();
  assert.deepEqual(await cache.get('bad', async () => ({ ok: true })), { ok: true });
});

test('a cached answer is serialised once; other bodies every time', async () => {
  const cache = new QueryCache(60_000);
  const answer = await cache.get('q', async () => ({ n: 1 }));
  assert.equal(jsonOf(answer), '{"n":1}');
  // Cached answers are shared and never changed; changing one shows that its text was kept.
  (answer as { n: number }).n = 2;
  assert.equal(jsonOf(answer), '{"n":1}');
  const fresh = { n: 1 };
  assert.equal(jsonOf(fresh), '{"n":1}');
  fresh.n = 2;
  assert.equal(jsonOf(fresh), '{"n":2}');
  assert.equal(jsonOf(null), 'null');
});

test('without a TTL nothing is shared or kept', async () => {
  const cache = new QueryCache(0);
  const answer = await cache.get('q', async () => ({ n: 1 }));
  assert.equal(jsonOf(answer), '{"n":1}');
  answer.n = 2;
  assert.equal(jsonOf(answer), '{"n":2}');
  assert.notEqual(await cache.get('q', async () => ({ n: 1 })), answer);
});
