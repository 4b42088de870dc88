import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { inferenceLine } from '../../collector/points/inference-line.ts';
import { inferencePoint } from '../../collector/points/inference-point.ts';
import { eventTimeMs } from '../../schemas/event-time.ts';
import { formatLine } from '../../collector/sinks/line-protocol.ts';

const base: InferenceEvent = {
  v: 1,
  event_id: 'ev-1',
  agent_id: 'agent-a',
  ts_ns: '1700000000123456789',
  source: 'scan',
  model: { id: 'starlight-v4', version: 'v4.0.0', sha256: 'a'.repeat(64) },
  input: { format: 'png', bytes: 70_000, width: 256, height: 128 },
  timings: { decode_ms: 0.4, preprocess_ms: 0.6, infer_ms: 2.4, total_ms: 3.41 },
  outputs: { stego_prob: 0.93, is_stego: true, method: 'lsb.rgb', method_prob: 0.8, bit_order: null },
  error_code: null,
};

const variants: [string, InferenceEvent][] = [
  ['stego with method', base],
  ['clean, no method prob', { ...base, outputs: { stego_prob: 0.1, is_stego: false, method: null, method_prob: null, bit_order: null } }],
  ['error without outputs', { ...base, outputs: null, error_code: 'decode_failed' }],
  ['labelled', { ...base, label: { category: 'stego', method: 'alpha' } }],
  ['labelled without method', { ...base, label: { category: 'clean' } }],
  ['odd format and version', { ...base, input: { ...base.input, format: 'jpg' }, model: { ...base.model, version: 'v 4,1=x\\' } }],
  ['id and error needing quotes', { ...base, event_id: 'a "b" \\c', outputs: null, error_code: 'x\ny' }],
  ['huge integers', { ...base, input: { ...base.input, bytes: 1e21, width: 2 ** 53 + 2 } }],
];

for (const [name, event] of variants) {
  test(`inferenceLine is the line of inferencePoint: ${name}`, () => {
    const expected = formatLine(inferencePoint(event, eventTimeMs(event.ts_ns)));
    assert.equal(inferenceLine(event), expected);
    assert.equal(inferenceLine(event), expected, 'the cached tag set gives the same line');
  });
}

test('interleaved agents, versions, sources, sizes and verdicts each get their own tag set', () => {
  const events: InferenceEvent[] = [];
  for (const agent of ['agent-a', 'agent-b'])
    for (const version of ['v4.0.0', 'v4.1.0'])
      for (const source of ['scan', 'probe'] as const)
        for (const bytes of [1000, 100_000, 5_000_000])
          for (const [, variant] of variants.slice(0, 5))
            events.push({ ...variant, agent_id: agent, source, model: { ...variant.model, version }, input: { ...variant.input, bytes } });
  let seed = 7;
  const shuffled = [...events, ...events].sort(() => ((seed = (seed * 16807) % 2147483647) % 3) - 1);
  for (const event of shuffled) assert.equal(inferenceLine(event), formatLine(inferencePoint(event, eventTimeMs(event.ts_ns))));
});
