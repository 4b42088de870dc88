import { decodeMessage } from '../collector/consume/decode.ts';
import { inferenceLine } from '../collector/points/inference-line.ts';
import { WindowEngine } from '../collector/windows/engine.ts';
const sha = 'a'.repeat(64);
function batch(first: number, agent: string, nowMs: number) {
  const parts: string[] = [];
  for (let i = 0; i < 250; i++) {
    const id = first + i; const prob = (id % 100) / 100; const stego = prob >= 0.5;
    parts.push(`{"v":1,"event_id":"ev-${id}","agent_id":"${agent}","ts_ns":"${nowMs}${String(id % 1_000_000).padStart(6, '0')}","source":"scan",` +
      `"model":{"id":"starlight-v4","version":"v4.0.0","sha256":"${sha}"},"input":{"format":"PNG","bytes":${20_000 + (id % 50_000)},"width":256,"height":256},` +
      `"timings":{"decode_ms":0.4,"preprocess_ms":0.6,"infer_ms":2.4,"total_ms":${(3 + (id % 200) / 100).toFixed(2)}},` +
      `"outputs":{"stego_prob":${prob},"is_stego":${stego},"method":${stego ? '"alpha"' : 'null'},"method_prob":${stego ? 0.9 : 'null'},"bit_order":null},"error_code":null}`);
  }
  return new TextEncoder().encode(`{"v":1,"agent_id":"${agent}","seq":1,"events":[${parts.join(',')}]}`);
}
const now = Date.now();
const msgs = Array.from({ length: 400 }, (_, i) => batch(i * 250, `bench-${i % 4}`, now));
const engine = new WindowEngine({ allowedLatenessMs: 5000, idleGraceMs: 5000, replica: '0' });
const limits = { maxFutureMs: 60000, maxPayloadChars: 65536 };
const stage = process.argv[2] ?? 'all';
let sink = 0;
for (let round = 0; round < 4; round++) {
  const t0 = performance.now();
  for (const m of msgs) {
    if (stage === 'parse') { sink += JSON.parse(new TextDecoder().decode(m)).events.length; continue; }
    const { events } = decodeMessage(m, { subject: 'x', stream_seq: 1 }, limits, now);
    if (stage === 'decode') { sink += events.length; continue; }
    if (stage === 'line') { for (const { event } of events) sink += inferenceLine(event).length; continue; }
    for (const { event, tsMs } of events) { sink += inferenceLine(event).length; engine.add(event, tsMs, now); }
  }
  const us = ((performance.now() - t0) * 1000) / 100000;
  console.log(stage, 'us/event', us.toFixed(2));
}
