import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabel } from '../../agent/server/label.ts';
import { isImageMediaType } from '../../agent/server/scan-handler.ts';
import { statusFor } from '../../agent/server/http-errors.ts';
import { DEFAULT_VERDICT_FIELDS, parseFieldOverrides, readVerdict } from '../../agent/proxy/verdict-fields.ts';
import { describeConnection, redactServer } from '../../agent/publish/connection.ts';

const q = (s: string): URLSearchParams => new URLSearchParams(s);

test('labels come from the query or the header, and are checked', () => {
  assert.deepEqual(parseLabel(q(''), {}), { ok: true, label: undefined });
  assert.deepEqual(parseLabel(q('label=clean'), {}), { ok: true, label: { category: 'clean' } });
  assert.deepEqual(parseLabel(q('label=stego&method=lsb.rgb&bit_order=lsb-first'), {}), {
    ok: true,
    label: { category: 'stego', method: 'lsb.rgb', bit_order: 'lsb-first' },
  });
  assert.deepEqual(parseLabel(q(''), { 'x-starwatch-label': 'stego; method=exif' }), { ok: true, label: { category: 'stego', method: 'exif' } });
  assert.deepEqual(parseLabel(q(''), { 'x-starwatch-label': '{"category":"clean"}' }), { ok: true, label: { category: 'clean' } });
  assert.equal(parseLabel(q('label=maybe'), {}).ok, false);
  assert.equal(parseLabel(q('label=stego&method=rot13'), {}).ok, false);
  assert.equal(parseLabel(q(''), { 'x-starwatch-label': '{bad json' }).ok, false);
});

test('media types: raw bytes pass, JSON/text/multipart are refused', () => {
  for (const t of [undefined, 'application/octet-stream', 'image/png', 'application/x-www-form-urlencoded']) assert.equal(isImageMediaType(t), true, String(t));
  for (const t of ['application/json', 'text/plain; charset=utf-8', 'multipart/form-data; boundary=x']) assert.equal(isImageMediaType(t), false, t);
});

test('error codes map to statuses: bad input 4xx, only faults 5xx', () => {
  assert.equal(statusFor('CORRUPT_IMAGE'), 400);
  assert.equal(statusFor('TRUNCATED_IMAGE'), 400);
  assert.equal(statusFor('TOO_MANY_BYTES'), 413);
  assert.equal(statusFor('TOO_MANY_PIXELS'), 413);
  assert.equal(statusFor('UNSUPPORTED_MEDIA_TYPE'), 415);
  assert.equal(statusFor('MODEL_ERROR'), 500);
});

test('upstream verdicts: defaults, dotted paths, and unusable bodies', () => {
  assert.deepEqual(readVerdict({ stego_probability: 0.2, method: 'raw', method_probability: 0.4 }, DEFAULT_VERDICT_FIELDS), {
    stego_prob: 0.2,
    is_stego: false,
    method: 'raw',
    method_prob: 0.4,
    bit_order: null,
  });
  const fields = parseFieldOverrides('stegoProb=result.p, isStego=result.flag');
  assert.equal(readVerdict({ result: { p: 0.3, flag: true } }, fields)?.is_stego, true);
  assert.equal(readVerdict({ stego_probability: 1.5 }, DEFAULT_VERDICT_FIELDS), null);
  assert.equal(readVerdict('not an object', DEFAULT_VERDICT_FIELDS), null);
  assert.equal(readVerdict({ stego_probability: 0.9, method: 'made-up' }, DEFAULT_VERDICT_FIELDS)?.method, null);
  assert.throws(() => parseFieldOverrides('nope=x'), /bad field mapping/);
});

test('connection descriptions never carry secrets', () => {
  assert.equal(redactServer('nats://user:hunter2@host:4222'), 'nats://***@host:4222');
  const text = describeConnection({ servers: ['nats://a:s3cret@h1:4222', 'tls://h2:4222'], token: 'tok-123', tls: { caFile: '/ca.pem' } });
  assert.doesNotMatch(text, /s3cret|tok-123/);
  assert.match(text, /auth: token tls/);
});
