// eventTimeMs reads the ms digits one by one (the collector does it for every event); it must give
// exactly what Number() of the same digits gives, and take the old way for anything odd.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventTimeMs } from '../../schemas/event-time.ts';

const byNumber = (ts: string): number => (ts.length > 6 ? Number(ts.slice(0, -6)) : 0);

test('event time in ms: the digits before the last six, as Number() reads them', () => {
  assert.equal(eventTimeMs('1796061284065000009'), 1796061284065);
  assert.equal(eventTimeMs('1000000'), 1);
  assert.equal(eventTimeMs('999999'), 0, 'under a millisecond');
  assert.equal(eventTimeMs(''), 0);
  assert.equal(eventTimeMs('9223372036854775807'), 9223372036854, 'the int64 limit');
});

test('every odd string gives what Number() gives: signs, blanks, letters, exponents, too many digits', () => {
  const odd = ['-1234567', ' 1234567', '12a4567890', '1e3000000', '0x10000000', '99999999999999999999999', '0001796061284065000009', '1.5000000'];
  for (const ts of odd) assert.ok(Object.is(eventTimeMs(ts), byNumber(ts)), `${ts}: ${eventTimeMs(ts)} vs ${byNumber(ts)}`);
});

test('exact for every length of digits up to 15 ms digits and past them', () => {
  let checked = 0;
  for (let digits = 7; digits <= 24; digits++) {
    for (let k = 0; k < 200; k++) {
      let ts = String(1 + ((k * 7919) % 9));
      while (ts.length < digits) ts += String((k * 31 + ts.length * 17) % 10);
      assert.equal(eventTimeMs(ts), byNumber(ts), ts);
      checked++;
    }
  }
  assert.equal(checked, 18 * 200);
});
