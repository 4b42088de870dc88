// Starlight's own method names in labels sent with a request: eoi and lsb are aliases of raw and
// lsb.rgb (a label {"method":"eoi"} used to be refused with BAD_LABEL); added aliases work too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabel } from '../../agent/server/label.ts';
import { parseMethodAliases } from '../../schemas/method-aliases.ts';

const q = (s: string): URLSearchParams => new URLSearchParams(s);

test('Starlight method names in the JSON header, the short header and the query', () => {
  assert.deepEqual(parseLabel(q(''), { 'x-starwatch-label': '{"category":"stego","method":"eoi"}' }), { ok: true, label: { category: 'stego', method: 'raw' } });
  assert.deepEqual(parseLabel(q(''), { 'x-starwatch-label': 'stego; method=LSB; bit_order=msb-first' }), {
    ok: true, label: { category: 'stego', method: 'lsb.rgb', bit_order: 'msb-first' },
  });
  assert.deepEqual(parseLabel(q('label=stego&method=eoi'), {}), { ok: true, label: { category: 'stego', method: 'raw' } });
});

test('an added alias is read; an unknown name is still refused', () => {
  assert.deepEqual(parseLabel(q('label=stego&method=steg'), {}, parseMethodAliases('steg=lsb.rgb')), { ok: true, label: { category: 'stego', method: 'lsb.rgb' } });
  const refused = parseLabel(q('label=stego&method=dct'), {});
  assert.equal(refused.ok, false);
});
