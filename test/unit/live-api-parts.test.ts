// Pure pieces of the live feed and the API: topic patterns, segment encoding, token check,
// token bucket, query cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matches, parsePattern } from '../../collector/live/patterns.ts';
import { decodeTopicSegment, topicSegment, TOPICS } from '../../schemas/live.ts';
import { sameToken } from '../../collector/api/token.ts';
import { TokenBucket } from '../../collector/api/rate-limit.ts';
import { QueryCache } from '../../collector/api/query-cache.ts';

const match = (pattern: string, topic: string): boolean => {
  const p = parsePattern(pattern);
  assert.ok(p.ok);
  return matches(p.pattern, topic.split('.'));
};

test('patterns: * is one segment, > one or more at the end', () => {
  assert.equal(match('windows.*.*.*', 'windows.1s.%2A.%2A'), true);
  assert.equal(match('windows.*.*', 'windows.1s.%2A.%2A'), false);
  assert.equal(match('windows.>', 'windows.1s.%2A.%2A'), true);
  assert.equal(match('windows.>', 'windows'), false);
  assert.equal(match('alerts', 'alerts'), true);
  assert.equal(match('alerts', 'anomalies'), false);
  for (const bad of ['a..b', 'a.>.b', 'a.b*', '']) assert.equal(parsePattern(bad).ok, false, bad);
});

test('segments: dots, stars and percent signs are encoded and come back', () => {
  assert.equal(TOPICS.windows('10s', '4.1.0', 'a-1'), 'windows.10s.4%2E1%2E0.a-1');
  for (const v of ['*', '4.1.0', '100%', 'a>b c']) {
    const s = topicSegment(v);
    assert.doesNotMatch(s, /[.*> ]/);
    assert.equal(decodeTopicSegment(s), v);
  }
});

test('tokens: equal only when equal, whatever the lengths', () => {
  assert.equal(sameToken('secret', 'secret'), true);
  assert.equal(sameToken('secret', 'secreT'), false);
  assert.equal(sameToken('', 'secret'), false);
  assert.equal(sameToken('secret-and-more', 'secret'), false);
});

test('token bucket: burst, then the rate', () => {
  let now = 0;
  const bucket = new TokenBucket(2, 3, () => now);
  assert.deepEqual([1, 2, 3, 4].map(() => bucket.take()), [true, true, true, false]);
  assert.equal(bucket.waitSeconds(), 1);
  now += 500; // one token back at 2/s
  assert.equal(bucket.take(), true);
  assert.equal(bucket.take(), false);
});

test('query cache: shares answers within the ttl, forgets errors', async () => {
  const cache = new QueryCache(60_000);
  let calls = 0;
  const compute = async () => ++calls;
  assert.deepEqual(await Promise.all([cache.get('q', compute), cache.get('q', compute)]), [1, 1]);
  assert.equal(await cache.get('other', compute), 2);
  await assert.rejects(cache.get('bad', () => Promise.reject(new Error('x'))));
  assert.equal(await cache.get('bad', compute), 3);
  assert.equal(await new QueryCache(0).get('q', compute), 4);
});
