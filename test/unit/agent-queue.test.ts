import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedQueue } from '../../agent/publish/bounded-queue.ts';

test('a full queue drops the oldest and says so', () => {
  const q = new BoundedQueue<number>(3);
  assert.deepEqual([1, 2, 3].map((n) => q.push(n)), [false, false, false]);
  assert.equal(q.push(4), true);
  assert.equal(q.push(5), true);
  assert.equal(q.length, 3);
  assert.deepEqual(q.take(10), [3, 4, 5]);
  assert.equal(q.length, 0);
});

test('take returns items oldest first across the ring wrap, at most n', () => {
  const q = new BoundedQueue<number>(4);
  for (let i = 0; i < 4; i++) q.push(i);
  assert.deepEqual(q.take(3), [0, 1, 2]);
  for (let i = 4; i < 7; i++) q.push(i);
  assert.deepEqual(q.take(2), [3, 4]);
  assert.deepEqual(q.take(5), [5, 6]);
  assert.deepEqual(q.take(1), []);
});

test('a capacity below 1 is refused', () => {
  assert.throws(() => new BoundedQueue(0), /capacity/);
});
