// The collector's per-event work in one process, without NATS or InfluxDB: decode and validate
// the pipeline bench's batches, bound the keys, count them in the windows and hand them to the
// InfluxDB sink (raw policy, lines, batching; the transport drops the bodies). CPU time per event,
// several rounds, median and best: figures that hold still on a machine too busy for the
// end-to-end bench to mean much, to compare two versions back to back.
//   node --import tsx bench/collector-hot-path.ts [--raw-share 0.01] [--error-share 0.1] [--stego-share 0.2] [--messages 1000] [--rounds 7]
import { parseArgs } from 'node:util';
import { decodeMessage } from '../collector/consume/decode.ts';
import { InfluxSink } from '../collector/sinks/influx-sink.ts';
import { WindowEngine } from '../collector/windows/engine.ts';
import { KeyBound } from '../collector/windows/key-bound.ts';
import { encodeBatch } from '../agent/publish/batch-encoding.ts';
import { eventsSubject } from '../schemas/subjects.ts';
import { STRESS_MIX, benchEvent, eventIdOf } from './pipeline.ts';

const { values } = parseArgs({ options: { 'raw-share': { type: 'string', default: '0.01' }, messages: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '7' }, 'error-share': { type: 'string', default: String(STRESS_MIX.errorShare) }, 'stego-share': { type: 'string', default: String(STRESS_MIX.stegoShare) } } });
const mix = { errorShare: Number(values['error-share']), stegoShare: Number(values['stego-share']) };
const share = Number(values['raw-share']);
const messages = Number(values.messages);
const rounds = Number(values.rounds);
const BATCH = 250;
const AGENTS = 4;
const model = { id: 'starlight-v4', version: 'v4.0.0', sha256: 'a'.repeat(64) };
const nowMs = Date.now();

// The pipeline bench's batches: 4 agents, 250 events each, 40 batches a millisecond of event time.
const batches = Array.from({ length: messages }, (_, b) => {
  const agent = `bench-${b % AGENTS}`;
  const events = Array.from({ length: BATCH }, (_, i) => {
    const id = b * BATCH + i;
    return { ...benchEvent((b % 16) * BATCH + i, agent, 0, model, mix), event_id: eventIdOf(agent, id), ts_ns: `${nowMs + Math.floor(b / 40)}${String(id % 1_000_000).padStart(6, '0')}` };
  });
  return { subject: eventsSubject(agent), data: encodeBatch(agent, b, events) };
});

const limits = { maxFutureMs: 300_000, maxPayloadChars: 4096, maxPastMs: 7 * 86_400_000 };
const dropBodies = { send: async () => {} };
const perEvent: number[] = [];
for (let r = 0; r < rounds; r++) {
  const keys = new KeyBound();
  const engine = new WindowEngine({ allowedLatenessMs: 2000, idleGraceMs: 5000, replica: '0' });
  const sink = new InfluxSink(dropBodies, { batchSize: 5000, maxInFlight: 8, flushIntervalMs: 60_000, maxBackoffMs: 1000, maxBodyBytes: 1_000_000 }, share);
  const before = process.cpuUsage();
  for (let m = 0; m < batches.length; m++) {
    // As pipeline.ts take(): decode, bound, count, write.
    const { events } = decodeMessage(batches[m].data, { subject: batches[m].subject, stream_seq: m + 1 }, limits, nowMs);
    const valid = new Array(events.length);
    const origins = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      valid[i] = keys.bound(events[i].event, nowMs);
      origins[i] = events[i].tsMs;
      engine.add(valid[i], origins[i], nowMs);
    }
    sink.writeEvents(valid, origins);
    // Let the sink's sends settle now and then, as the event loop would.
    if (m % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(before);
  perEvent.push((used.user + used.system) / (messages * BATCH));
  await sink.close(0);
}
const sorted = [...perEvent].sort((a, b) => a - b);
console.log(JSON.stringify({ raw_share: share, ...mix, events_per_round: messages * BATCH, us_per_event_median: round(sorted[sorted.length >> 1]), us_per_event_best: round(sorted[0]), rounds: perEvent.map(round) }));

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
