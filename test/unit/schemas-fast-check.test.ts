// The fast checks made from the field table say yes only where the schema does, and do say yes
// to ordinary values (a check that always said no would be safe and useless).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { EVENT_FIELDS, type EventField } from '../../schemas/event-fields.ts';
import { fastCheckOf } from '../../schemas/fast-check.ts';
import { validator } from '../../schemas/validate.ts';

const SAMPLES: unknown[] = [
  0, 1, -1, 0.5, 1.5, 2 ** 53, 2 ** 53 + 2, 1e21, Number.NaN, Number.POSITIVE_INFINITY, -0,
  '', 'a', 'x'.repeat(16), 'x'.repeat(17), 'x'.repeat(64), 'x'.repeat(65), '😀'.repeat(33), '123', '1'.repeat(19), '1'.repeat(20), '12a',
  'scan', 'proxy', 'nope', 'alpha', 'lsb.rgb', 'lsb-first', 'none', true, false, null, undefined, {}, [], ['scan'],
];

for (const f of EVENT_FIELDS as readonly EventField[]) {
  test(`fast check of ${f.name} says yes only to what its schema accepts`, () => {
    const fast = fastCheckOf(f.schema);
    const schema = validator(f.schema);
    const accepted = SAMPLES.filter((x) => fast(x));
    assert.ok(accepted.length > 0, `${f.name}: the fast check accepts none of the samples`);
    for (const x of accepted) assert.ok(schema(x).ok, `${f.name}: fast check accepts ${JSON.stringify(x)}, the schema does not`);
  });
}

test('a bound the fast check cannot hold in UTF-16 units makes it say no, not yes', () => {
  const twoCodePoints = fastCheckOf(Type.String({ minLength: 2 }));
  assert.equal(twoCodePoints('😀'), false);
  assert.equal(twoCodePoints('ab'), false);
});

test('a schema kind the fast check does not know makes it say no', () => {
  assert.equal(fastCheckOf(Type.Array(Type.Number()))([1]), false);
  assert.equal(fastCheckOf(Type.Union([Type.Literal(1), Type.Literal(2)]))(1), false);
});

test('bounds hold at their edges: yes on them, no one past them', () => {
  const cases: [ReturnType<typeof fastCheckOf>, unknown[], unknown[]][] = [
    [fastCheckOf(Type.Integer({ minimum: 1, maximum: 10 })), [1, 10], [0, 11, 1.5]],
    [fastCheckOf(Type.Integer()), [-5, 0, 2 ** 53 - 1], [2 ** 53, 0.5]],
    [fastCheckOf(Type.Number({ minimum: 0, maximum: 1 })), [0, 1, 0.5], [-0.1, 1.1]],
    [fastCheckOf(Type.Number()), [-1e300, 1e300], [Number.NaN, Number.POSITIVE_INFINITY]],
    [fastCheckOf(Type.String({ minLength: 1, maxLength: 3, pattern: '^[a-c]+$' })), ['a', 'abc'], ['', 'abca', 'abd']],
    [fastCheckOf(Type.String({ maxLength: 3 })), ['', 'xyz'], ['wxyz', 3]],
    [fastCheckOf(Type.Union([Type.Literal('a'), Type.Literal(1)])), [], ['a', 1]],
  ];
  for (const [check, yes, no] of cases) {
    for (const x of yes) assert.equal(check(x), true, `yes to ${JSON.stringify(x)}`);
    for (const x of no) assert.equal(check(x), false, `no to ${JSON.stringify(x)}`);
  }
});
