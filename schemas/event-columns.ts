// EventBatch v2: the InferenceEvents of one JetStream message laid out by column. Same events,
// same contract per event; only the carriage differs. Rows repeat every key and the agent's model
// in each event, and the collector spent most of its time parsing them back into ten small
// objects an event. Columns say each key once, the agent and its model once, and parse as flat
// arrays: a batch is about 4x smaller and decodes about 3x faster (bench/pipeline.ts measures
// it), which is the same trade OTel Arrow makes for telemetry.
//
// Row i of a batch is the event { v: 1, agent_id, event_id: event_id[i], ..., model:
// models[model[i]], outputs: null when all five output columns are null at i, label:
// label[i] unless null or the column is absent, rollout: likewise }. The collector validates each row exactly as
// it validates a v1 event.
import { Type, type Static } from '@sinclair/typebox';
import { MAX_BATCH_EVENTS, MAX_INTEGER, Model, type InferenceEvent, type Label } from './inference-event.ts';

const column = Type.Array(Type.Unknown(), { maxItems: MAX_BATCH_EVENTS });

export const EventColumns = Type.Object(
  {
    v: Type.Literal(2),
    agent_id: Type.String({ minLength: 1, maxLength: 64 }),
    /** Per agent, increasing; with agent_id it names the batch for deduplication. */
    seq: Type.Integer({ minimum: 0, maximum: MAX_INTEGER }),
    /** Rows: the length of every column. */
    n: Type.Integer({ minimum: 1, maximum: MAX_BATCH_EVENTS }),
    /** The models the rows were scored by; the `model` column holds indexes into this list. */
    models: Type.Array(Model, { minItems: 1, maxItems: MAX_BATCH_EVENTS }),
    columns: Type.Object(
      {
        event_id: column,
        ts_ns: column,
        source: column,
        model: column,
        format: column,
        bytes: column,
        width: column,
        height: column,
        decode_ms: column,
        preprocess_ms: column,
        infer_ms: column,
        total_ms: column,
        stego_prob: column,
        is_stego: column,
        method: column,
        method_prob: column,
        bit_order: column,
        error_code: column,
        /** Left out when no row has a label. */
        label: Type.Optional(column),
        /** Left out when no row is part of a rollout. */
        rollout: Type.Optional(column),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type EventColumns = Static<typeof EventColumns>;

type Columns = Record<Exclude<keyof EventColumns['columns'], 'label' | 'rollout'>, unknown[]>;

/** Columns from events, which must all carry `agentId` (the agent's EventBuilder makes them so). */
export function toColumns(agentId: string, seq: number, events: readonly InferenceEvent[]): EventColumns {
  const c: Columns = {
    event_id: [], ts_ns: [], source: [], model: [], format: [], bytes: [], width: [], height: [],
    decode_ms: [], preprocess_ms: [], infer_ms: [], total_ms: [],
    stego_prob: [], is_stego: [], method: [], method_prob: [], bit_order: [], error_code: [],
  };
  const labels: unknown[] = [];
  const rollouts: unknown[] = [];
  let inRollout = false;
  const models: InferenceEvent['model'][] = [];
  const modelIndex = new Map<string, number>();
  let labelled = false;
  for (const e of events) {
    if (e.agent_id !== agentId) throw new TypeError(`event ${e.event_id} is from agent ${e.agent_id}, not ${agentId}`);
    const modelKey = `${e.model.id}\n${e.model.version}\n${e.model.sha256}`;
    let m = modelIndex.get(modelKey);
    if (m === undefined) modelIndex.set(modelKey, (m = models.push(e.model) - 1));
    const o = e.outputs;
    c.event_id.push(e.event_id);
    c.ts_ns.push(e.ts_ns);
    c.source.push(e.source);
    c.model.push(m);
    c.format.push(e.input.format);
    c.bytes.push(e.input.bytes);
    c.width.push(e.input.width);
    c.height.push(e.input.height);
    c.decode_ms.push(e.timings.decode_ms);
    c.preprocess_ms.push(e.timings.preprocess_ms);
    c.infer_ms.push(e.timings.infer_ms);
    c.total_ms.push(e.timings.total_ms);
    c.stego_prob.push(o ? o.stego_prob : null);
    c.is_stego.push(o ? o.is_stego : null);
    c.method.push(o ? o.method : null);
    c.method_prob.push(o ? o.method_prob : null);
    c.bit_order.push(o ? o.bit_order : null);
    c.error_code.push(e.error_code);
    labels.push(e.label ?? null);
    if (e.label !== undefined) labelled = true;
    rollouts.push(e.rollout ?? null);
    if (e.rollout !== undefined) inRollout = true;
  }
  const columns: EventColumns['columns'] = labelled ? { ...c, label: labels } : c;
  if (inRollout) columns.rollout = rollouts;
  return { v: 2, agent_id: agentId, seq, n: events.length, models, columns };
}

/** Why the columns do not line up with `n`, or undefined when they do. */
export function columnsMisfit(batch: EventColumns): string | undefined {
  for (const [name, values] of Object.entries(batch.columns))
    if (values.length !== batch.n) return `/columns/${name} has ${values.length} values, n is ${batch.n}`;
  return undefined;
}

/** Row `i` as an event, not yet validated (a column may hold anything). */
export function rowOf(batch: EventColumns, i: number): unknown {
  const c = batch.columns;
  const modelIndex = c.model[i];
  const isStego = c.is_stego[i];
  const stegoProb = c.stego_prob[i];
  const method = c.method[i];
  const methodProb = c.method_prob[i];
  const bitOrder = c.bit_order[i];
  const scored = isStego !== null || stegoProb !== null || method !== null || methodProb !== null || bitOrder !== null;
  const row: Record<string, unknown> = {
    v: 1,
    event_id: c.event_id[i],
    agent_id: batch.agent_id,
    ts_ns: c.ts_ns[i],
    source: c.source[i],
    // A bad index stays as it is, so the schema names it (/model must be object).
    model: (Number.isInteger(modelIndex) && batch.models[modelIndex as number]) || modelIndex,
    input: { format: c.format[i], bytes: c.bytes[i], width: c.width[i], height: c.height[i] },
    timings: { decode_ms: c.decode_ms[i], preprocess_ms: c.preprocess_ms[i], infer_ms: c.infer_ms[i], total_ms: c.total_ms[i] },
    outputs: scored ? { stego_prob: stegoProb, is_stego: isStego, method, method_prob: methodProb, bit_order: bitOrder } : null,
    error_code: c.error_code[i],
  };
  const label = c.label?.[i] as Label | null | undefined;
  if (label !== null && label !== undefined) row.label = label;
  const rollout = c.rollout?.[i];
  if (rollout !== null && rollout !== undefined) row.rollout = rollout;
  return row;
}
