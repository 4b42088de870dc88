import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonSliced } from '../../collector/consume/sliced-json.ts';

/** The parse run to its end, and how many times it offered to yield. */
function parse(text: string, maxChars: number): { value: unknown; yields: number } {
  const steps = parseJsonSliced(text, maxChars);
  let yields = 0;
  let step = steps.next();
  for (; !step.done; step = steps.next()) yields++;
  return { value: step.value, yields };
}

/** JSON.parse's verdict on a text: the value (as text, keys in order) or the error's kind. */
function verdict(run: () => unknown): string {
  try {
    return JSON.stringify(run());
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
}

/** A small deterministic generator (seeded), so a failure names a case that can be replayed. */
function randomJson(seed: number): () => unknown {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const scalars = [0, -0, 1.5e300, -12, 'a"\\b\u00e9\u2028', '', '[{,:}]', true, false, null] as const;
  const keys = ['a', '__proto__', 'b c', '1', '10', 'constructor', ''] as const;
  const value = (depth: number): unknown => {
    const r = next();
    if (depth > 4 || r < 0.3) return pick(scalars);
    if (r < 0.65) return Array.from({ length: Math.floor(next() * 12) }, () => value(depth + 1));
    // Written as text so duplicate keys and "__proto__" reach the parser as they would on the wire.
    const members = Array.from({ length: Math.floor(next() * 8) }, () => `${JSON.stringify(pick(keys))}:${JSON.stringify(value(depth + 1))}`);
    return JSON.parse(`{${members.join(',')}}`);
  };
  return () => value(0);
}

test('parses exactly what JSON.parse parses, own "__proto__" keys and duplicate keys included, at any piece size', () => {
  const make = randomJson(17);
  for (let k = 0; k < 400; k++) {
    const value = make();
    const text = JSON.stringify(value, null, k % 3 === 0 ? 1 : undefined);
    for (const maxChars of [1, 4, 32, 1 << 20]) {
      const { value: parsed } = parse(text, maxChars);
      assert.equal(verdict(() => parsed), verdict(() => JSON.parse(text)), `case ${k}, pieces of ${maxChars}: ${text.slice(0, 200)}`);
      if (parsed !== null && typeof parsed === 'object')
        assert.equal(Object.getPrototypeOf(parsed), Object.getPrototypeOf(JSON.parse(text)), `case ${k}: the prototype is untouched`);
    }
  }
  const duplicate = '{"a":1,"__proto__":{"polluted":true},"a":[2,3]}';
  assert.deepEqual(Object.entries(parse(duplicate, 2).value as object), Object.entries(JSON.parse(duplicate)));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('refuses, with a SyntaxError, every broken text JSON.parse refuses', () => {
  const make = randomJson(29);
  const breakers = ['', ',', '}', ']', '"', 'x', ' ,', '[', '{', ':'];
  let refused = 0;
  for (let k = 0; k < 600; k++) {
    const text = JSON.stringify(make(), null, k % 2 ? 1 : undefined);
    const at = (k * 7919) % (text.length + 1);
    const broken = text.slice(0, at) + breakers[k % breakers.length] + text.slice(at + 1);
    const expected = verdict(() => JSON.parse(broken));
    if (expected.startsWith('throws')) refused++;
    assert.equal(verdict(() => parse(broken, 3).value), expected, `case ${k}: ${JSON.stringify(broken).slice(0, 200)}`);
  }
  assert.ok(refused > 300, `only ${refused} of 600 broken texts were broken`);
  for (const text of ['', ' ', '[1,]', '[,1]', '{"a":1,}', '{"a" 1}', '[1 2]', '[1]x', '{"a":1}}', '\ufeff[1]'])
    assert.throws(() => parse(text, 1), SyntaxError, JSON.stringify(text));
});

test('offers to yield about once a piece: a long array of small values is parsed a run at a time', () => {
  const values = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? `id-${i}` : i / 7));
  const text = JSON.stringify({ columns: { a: values, b: values } });
  const { value, yields } = parse(text, 4096);
  assert.deepEqual(value, { columns: { a: values, b: values } });
  const pieces = Math.floor(text.length / 4096);
  assert.ok(yields >= pieces && yields <= 3 * pieces, `${yields} chances to yield for ${pieces} pieces`);
  assert.equal(parse(text, text.length).yields, 0, 'a text within one piece is one JSON.parse');
});
