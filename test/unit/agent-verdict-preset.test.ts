// Upstream verdicts in Starlight's own words: its method names (eoi, lsb) used to become null in
// proxy mode, and the answer of its scanner.py needs the starlight-v4 preset (stego_type or
// method_id, confidence, the extracted-message override). Unknown names are reported, not dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VERDICT_FIELDS, VERDICT_PRESETS, parseFieldOverrides, readUpstreamVerdict, readVerdict } from '../../agent/proxy/verdict-fields.ts';

const STARLIGHT = VERDICT_PRESETS['starlight-v4'];

test('Starlight method names are ours through the alias table, with the default fields too', () => {
  assert.equal(readVerdict({ stego_probability: 0.9, method: 'eoi' }, DEFAULT_VERDICT_FIELDS)?.method, 'raw');
  assert.equal(readVerdict({ stego_probability: 0.9, method: 'lsb' }, DEFAULT_VERDICT_FIELDS)?.method, 'lsb.rgb');
});

test('a scanner.py answer read with the starlight-v4 preset', () => {
  const answer = { is_stego: true, stego_probability: 0.97, method_id: 2, bit_order: 'msb-first', stego_type: 'lsb', confidence: 0.88 };
  assert.deepEqual(readUpstreamVerdict(answer, STARLIGHT), {
    outputs: { stego_prob: 0.97, is_stego: true, method: 'lsb.rgb', method_prob: 0.88, bit_order: 'msb-first' },
    unknownMethod: null,
    extracted: false,
  });
  // Without stego_type, the method head's index decides.
  assert.equal(readUpstreamVerdict({ stego_probability: 0.9, method_id: 4 }, STARLIGHT)?.outputs.method, 'raw');
  assert.equal(readUpstreamVerdict({ stego_probability: 0.9, method_id: 9 }, STARLIGHT)?.outputs.method, null);
  assert.equal(readUpstreamVerdict({ stego_probability: 0.9, bit_order: 1 }, STARLIGHT)?.outputs.bit_order, 'msb-first');
});

test('an extracted message turns the verdict stego and says so', () => {
  const v = readUpstreamVerdict({ is_stego: false, stego_probability: 0.2, stego_type: 'alpha', extracted_message: 'AI42 hello' }, STARLIGHT);
  assert.equal(v?.outputs.is_stego, true);
  assert.equal(v?.extracted, true);
  const none = readUpstreamVerdict({ is_stego: false, stego_probability: 0.2, extracted_message: '', extraction_error: 'no terminator' }, STARLIGHT);
  assert.deepEqual([none?.outputs.is_stego, none?.extracted], [false, false]);
});

test('a method name with no method of ours is reported (bounded), the verdict kept', () => {
  const v = readUpstreamVerdict({ stego_probability: 0.8, stego_type: 'dct' + 'x'.repeat(100) }, STARLIGHT);
  assert.equal(v?.outputs.method, null);
  assert.equal(v?.outputs.stego_prob, 0.8);
  assert.equal(v?.unknownMethod?.length, 64);
  assert.equal(readUpstreamVerdict({ is_stego: false, stego_probability: 0.1, stego_type: 'clean' }, STARLIGHT)?.unknownMethod, null, 'a name beside a clean verdict is no missed method');
});

test('field overrides apply over a preset; unknown keys are refused', () => {
  assert.equal(parseFieldOverrides('methodProb=result.conf', STARLIGHT).methodProb, 'result.conf');
  assert.equal(parseFieldOverrides('methodProb=result.conf', STARLIGHT).method, 'stego_type');
  assert.throws(() => parseFieldOverrides('colour=x'), /bad field mapping/);
});
